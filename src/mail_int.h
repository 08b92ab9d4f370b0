/* Inside mail: what the message builder (mail_msg.c) and the sender
 * (mail.c) share. */
#ifndef EARSHOT_MAIL_INT_H
#define EARSHOT_MAIL_INT_H

#include <stddef.h>

/* The bare address of "Name <addr>" or "addr" as "<addr>" in out (the
 * form SMTP's MAIL FROM and RCPT TO take). Returns 0, or -1 when s holds
 * CR or LF, no '@', or does not fit. */
int mail_address(const char *s, char *out, size_t len);

#endif

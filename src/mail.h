/* The digest by e-mail (multipart/alternative: the Markdown digest as
 * text/plain, the HTML page as text/html) over SMTP with libcurl, and the
 * digest command. Settings are struct conf_mail (conf.h). */
#ifndef EARSHOT_MAIL_H
#define EARSHOT_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

/* 1 if m asks for e-mail (smtp_url set; conf_load checked the rest). */
int mail_configured(const struct conf_mail *m);

/* Appends to out the whole message as sent: Date (of now, Unix time),
 * From, To, Subject (RFC 2047 encoded when not ASCII), Message-ID,
 * MIME-Version and the two parts, quoted-printable text and base64 HTML,
 * every line CRLF-ended and at most 76 characters. CR and LF in the
 * subject become spaces. Returns 0, or -1 when out of memory or when
 * from or a recipient holds CR, LF or no address. */
int mail_message(const struct conf_mail *m, const char *subject, const char *text,
    const char *html, int64_t now, struct buf *out);

/* Sends that message to every mail_to over m->smtp_url: STARTTLS when the
 * server offers it (smtps:// is TLS from the start), AUTH with smtp_user
 * and smtp_password when set. Returns 0 once the server accepted it for
 * every recipient; else -1 with the reason in err (the server's host and
 * answer, never the password or the URL's user part). */
int mail_digest(const struct conf_mail *m, const char *subject, const char *text,
    const char *html, char *err, size_t errlen);

/* Runs m->command (execve, no shell) with html_path as its last argument
 * and text (the Markdown digest) on its stdin. Returns 0 when it exits 0,
 * also when no command is configured; else -1 with the reason in err. */
int mail_command(const struct conf_mail *m, const char *html_path, const char *text,
    char *err, size_t errlen);

#endif

/* Inside deliver: the webhook channel (deliver_webhook.c). */
#ifndef EARSHOT_DELIVER_INT_H
#define EARSHOT_DELIVER_INT_H

#include <stddef.h>

#include "conf.h"

/* POSTs one alert record (its JSON line) to ca->webhook in ca's format:
 * Slack's {"text": ...} by default, or the record as is. 0 on a 2xx
 * answer; else -1 with the reason in err, which never names the URL. */
int deliver_webhook_alert(const struct conf_alert *ca, const char *alert_json,
    char *err, size_t errlen);
/* POSTs the one message that stands for n alerts of brand held back by
 * max_per_hour: "and N more WHAT of BRAND in the last hour: earshot alerts
 * --brand BRAND" (in the json format, an object with kind "throttled",
 * brand, count and that text as reason). 0, or -1 with err as above. */
int deliver_webhook_summary(const struct conf_alert *ca, const char *brand,
    const char *what, size_t n, char *err, size_t errlen);

#endif

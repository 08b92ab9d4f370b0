/* The webhook channel: an alert, or the summary of alerts held back by the
 * hourly limit, POSTed as Slack's {"text": ...} or as the alert JSON. */
#include "deliver_int.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "buf.h"
#include "util.h"
#include "version.h"

static int
is_json_format(const struct conf_alert *ca)
{
	return ca->webhook_format && !strcmp(ca->webhook_format, "json");
}

/* {"text": text} as a malloc'd JSON body, or NULL. */
static char *
slack_body(const char *text)
{
	json_t *o = json_pack("{s:s}", "text", text);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

static size_t
discard(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

/* POSTs body to the webhook. The URL is a secret: errors never name it. */
static int
post_webhook(const char *url, const char *body, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	if (!h) {
		curl_slist_free_all(hdr);
		errf(err, errlen, "out of memory");
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "earshot/" EARSHOT_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		/* curl's buffer may quote the URL; use the generic message. */
		errf(err, errlen, "webhook: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		errf(err, errlen, "webhook: HTTP %ld", status);
		return -1;
	}
	return 0;
}


int
deliver_webhook_alert(const struct conf_alert *ca, const char *alert_json,
    char *err, size_t errlen)
{
	struct buf text = {0};
	char *body = NULL;
	int rc = -1;

	/* Slack: the alert as text, what a responder needs on one screen. */
	if (is_json_format(ca))
		body = xstrdup(alert_json);
	else if (alert_text(alert_json, "", &text) == 0)
		body = slack_body(text.data);
	buf_free(&text);
	if (body)
		rc = post_webhook(ca->webhook, body, err, errlen);
	else
		errf(err, errlen, "webhook: cannot format the alert");
	free(body);
	return rc;
}

/* brand as a shell word the responder can paste. */
static void
shell_word(const char *s, struct buf *out)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.,+@%/:") == strlen(s)) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '\'');
	for (; *s; s++)
		if (*s == '\'')
			buf_puts(out, "'\\''");
		else
			buf_putc(out, *s);
	buf_putc(out, '\'');
}

int
deliver_webhook_summary(const struct conf_alert *ca, const char *brand,
    const char *what, size_t n, char *err, size_t errlen)
{
	struct buf text = {0};
	char *body = NULL;
	json_t *o;
	int rc = -1;

	buf_printf(&text, "and %zu more %s of %s in the last hour: earshot alerts --brand ",
	    n, what, brand);
	shell_word(brand, &text);
	if (text.data && is_json_format(ca)) {
		o = json_pack("{s:s,s:s,s:I,s:s}", "kind", "throttled", "brand", brand,
		    "count", (json_int_t)n, "reason", text.data);
		body = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
	} else if (text.data) {
		body = slack_body(text.data);
	}
	buf_free(&text);
	if (body)
		rc = post_webhook(ca->webhook, body, err, errlen);
	else
		errf(err, errlen, "webhook: out of memory");
	free(body);
	return rc;
}

/* Sending the digest: SMTP with libcurl, and the digest command. */
#include <curl/curl.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "mail.h"
#include "mail_int.h"
#include "util.h"

#define MAIL_CONNECT_TIMEOUT 15L
#define MAIL_TIMEOUT 120L

int
mail_configured(const struct conf_mail *m)
{
	return m->smtp_url != NULL;
}

/* What libcurl reads the message from. */
struct reader {
	const char *p;
	size_t left;
};

static size_t
read_cb(char *dst, size_t size, size_t n, void *ctx)
{
	struct reader *r = ctx;
	size_t k = size * n < r->left ? size * n : r->left;

	memcpy(dst, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* The server's host (and port) for messages: never the URL itself, whose
 * user part may hold a password. */
static void
server_name(const char *url, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;

	snprintf(out, len, "the SMTP server");
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		snprintf(out, len, "SMTP server %s%s%s", host, port ? ":" : "", port ? port : "");
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

static struct curl_slist *
recipients(const struct conf_mail *m)
{
	struct curl_slist *l = NULL, *t;
	char a[320];
	size_t i;

	for (i = 0; i < m->to.n; i++) {
		if (mail_address(m->to.v[i], a, sizeof a) < 0 || !(t = curl_slist_append(l, a))) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = t;
	}
	return l;
}

static CURLcode
send_message(CURL *h, const struct conf_mail *m, struct curl_slist *rcpt, struct reader *r,
    char *curl_err)
{
	char from[320];

	if (mail_address(m->from, from, sizeof from) < 0)
		return CURLE_BAD_FUNCTION_ARGUMENT;
	curl_easy_setopt(h, CURLOPT_URL, m->smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	/* STARTTLS whenever the server offers it; smtps:// is TLS anyway. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (m->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, m->password ? m->password : "");
	}
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, r);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->left);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, MAIL_CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, MAIL_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	return curl_easy_perform(h);
}

int
mail_digest(const struct conf_mail *m, const char *subject, const char *text,
    const char *html, char *err, size_t errlen)
{
	char curl_err[CURL_ERROR_SIZE] = "", server[300];
	struct buf msg = {0};
	struct curl_slist *rcpt = NULL;
	struct reader r;
	CURL *h = NULL;
	CURLcode cc = CURLE_OK;
	long code = 0;

	if (!m->smtp_url || !m->to.n ||
	    mail_message(m, subject, text, html, (int64_t)time(NULL), &msg) < 0 ||
	    !(rcpt = recipients(m)) || !(h = curl_easy_init())) {
		errf(err, errlen, "mail: cannot build the message (check smtp_url, mail_from "
		    "and mail_to)");
		buf_free(&msg);
		curl_slist_free_all(rcpt);
		return -1;
	}
	r.p = msg.data;
	r.left = msg.len;
	cc = send_message(h, m, rcpt, &r, curl_err);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	buf_free(&msg);
	if (cc == CURLE_OK)
		return 0;
	server_name(m->smtp_url, server, sizeof server);
	if (code >= 400)
		errf(err, errlen, "mail to %s: %s (server said %ld%s%s)", server,
		    curl_easy_strerror(cc), code, *curl_err ? ": " : "", curl_err);
	else
		errf(err, errlen, "mail to %s: %s%s%s", server, curl_easy_strerror(cc),
		    *curl_err ? ": " : "", curl_err);
	return -1;
}

int
mail_command(const struct conf_mail *m, const char *html_path, const char *text, char *err,
    size_t errlen)
{
	if (!m->command.n)
		return 0;
	return deliver_command(&m->command, html_path, text, err, errlen);
}

/* The digest's e-mail against a real SMTP server on loopback
 * (tests/lib/smtpd.py, Debian's python3-aiosmtpd, started and stopped
 * here): the message as Python's email module reads it, the envelope,
 * AUTH, a refused connection, a refused recipient, the digest command and
 * the configuration keys. */
#include <curl/curl.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "mail.h"
#include "test.h"
#include "util.h"

#define SMTPD "tests/lib/smtpd.py"
#define PASSWORD "s3cret-Pa55"

static char tmp[] = "/tmp/earshot-mail-XXXXXX";

struct server {
	pid_t pid;
	int in;       /* its stdin: closing it stops it */
	int out;      /* its stdout, open until it stops */
	int port;
};

/* Debian's python3-aiosmtpd is for Debian's python3, which may not be the
 * first python3 on PATH. */
static void
exec_python(char *const argv[])
{
	execv("/usr/bin/python3", argv);
	execvp("python3", argv);
	_exit(127);
}

/* The port, the first line the server prints; 0 if none within 15 s. */
static int
read_port(int fd)
{
	char line[16];
	size_t got = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t k;

	while (got < sizeof line - 1 && !memchr(line, '\n', got) && poll(&p, 1, 15000) > 0 &&
	    (k = read(fd, line + got, sizeof line - 1 - got)) > 0)
		got += (size_t)k;
	line[got] = '\0';
	return memchr(line, '\n', got) ? atoi(line) : 0;
}

static int
server_start(struct server *s, const char *dir, const char *auth)
{
	char *argv[] = { "python3", SMTPD, (char *)dir, auth ? "--auth" : NULL,
		(char *)auth, NULL };
	int in[2], out[2];

	if (pipe(in) < 0 || pipe(out) < 0 || (s->pid = fork()) < 0)
		return -1;
	if (s->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		exec_python(argv);
	}
	close(in[0]);
	close(out[1]);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	s->in = in[1];
	s->out = out[0];
	if ((s->port = read_port(s->out)) <= 0)
		fprintf(stderr, "%s did not start (is python3-aiosmtpd installed? "
		    "scripts/deps installs it)\n", SMTPD);
	return s->port > 0 ? 0 : -1;
}

static void
server_stop(struct server *s)
{
	if (s->pid <= 0)
		return;
	close(s->in);
	close(s->out);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

/* Python's view of a saved message (smtpd.py --parse) as JSON; NULL if
 * the file did not appear within a few seconds. */
static json_t *
parsed(const char *eml)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	char cmd[1200];
	struct buf out = {0};
	json_t *j = NULL;
	FILE *f;
	int i, c;

	for (i = 0; i < 250 && access(eml, R_OK) < 0; i++)
		nanosleep(&tick, NULL);
	snprintf(cmd, sizeof cmd, "python3 %s --parse %s", SMTPD, eml);
	if (access(eml, R_OK) < 0 || !(f = popen(cmd, "r")))
		return NULL;
	while ((c = fgetc(f)) != EOF)
		buf_putc(&out, (char)c);
	pclose(f);
	if (out.data)
		j = json_loads(out.data, 0, NULL);
	buf_free(&out);
	return j;
}


/* Settings for the test server; to is space-separated, as in the file. */
static void
mail_conf(struct conf_mail *m, int port, const char *to)
{
	char url[64], *copy = xstrdup(to), *save = NULL, *w;

	memset(m, 0, sizeof *m);
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	m->smtp_url = xstrdup(url);
	m->from = xstrdup("earshot <digest@earshot.example>");
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		strlist_add(&m->to, w);
	free(copy);
}

static void
mail_conf_free(struct conf_mail *m)
{
	free(m->smtp_url);
	free(m->from);
	free(m->user);
	free(m->password);
	strlist_free(&m->to);
	strlist_free(&m->command);
}

static const char subject[] = "Digest 2026-11-30 \xe2\x80\x94 Acme \xe2\x96\xb2 12 mentions, "
    "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 and a long tail to fold";

/* The plain part: long lines, '=', trailing space, a lone dot, UTF-8. */
static const char text[] = "# Brand digest for 2026-11-30\n\n"
    "| Brand | Mentions | Trend |\n|---|---|---|\n| Acme | 12 | \xe2\x96\xb2 +3 |\n\n"
    "A very long line that goes on and on past the seventy-six characters a "
    "quoted-printable line may hold, with = signs = and tabs\tand \xc3\xbcml\xc3\xa4uts "
    "so that the soft breaks have to fall somewhere in the middle of it all.\n"
    "trailing space \n.\nFrom here on\n";

static const char html[] = "<!DOCTYPE html>\n<html><body><p>Acme \xe2\x96\xb2</p>"
    "<p>=?not-a-word?= and a long line to wrap in base64 many times over, many many "
    "times over and over.</p></body></html>\n";

static void
check_received(const char *dir, int n, const char *want_rcpt)
{
	char path[512], *rcpt;
	json_t *j, *bodies;

	snprintf(path, sizeof path, "%s/%d.eml", dir, n);
	j = parsed(path);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "subject")), subject);
	CHECK_STR(json_string_value(json_object_get(j, "type")), "multipart/alternative");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "parts"), 0)), "text/plain");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "parts"), 1)), "text/html");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "encodings"), 0)),
	    "quoted-printable");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "encodings"), 1)), "base64");
	bodies = json_object_get(j, "bodies");
	CHECK_STR(json_string_value(json_array_get(bodies, 0)), text);
	CHECK_STR(json_string_value(json_array_get(bodies, 1)), html);
	CHECK_STR(json_string_value(json_object_get(j, "mime_version")), "1.0");
	CHECK(str_startswith(json_string_value(json_object_get(j, "message_id")), "<"));
	CHECK(json_string_value(json_object_get(j, "date")) &&
	    strstr(json_string_value(json_object_get(j, "date")), "+0000") != NULL);
	CHECK_INT(json_integer_value(json_object_get(j, "defects")), 0);
	CHECK(json_integer_value(json_object_get(j, "longest_line")) <= 76);
	CHECK_INT(json_integer_value(json_object_get(j, "bare_lf")), 0);
	json_decref(j);
	snprintf(path, sizeof path, "%s/%d.rcpt", dir, n);
	rcpt = test_slurp(path);
	CHECK_STR(rcpt, want_rcpt);
	free(rcpt);
}

/* Everything logged between log_capture and log_check_clean, to show no
 * secret is ever logged. */
static FILE *log_file;
static char logpath[600];

static void
log_capture(void)
{
	snprintf(logpath, sizeof logpath, "%s/log", tmp);
	log_file = fopen(logpath, "w");
	log_to(log_file);
}

static void
log_check_clean(void)
{
	char *log;

	log_to(NULL);
	if (log_file)
		fclose(log_file);
	log = test_slurp(logpath);
	CHECK(!strstr(log, PASSWORD));
	free(log);
}

static void
test_send(void)
{
	char dir[512], path[600], err[512] = "";
	struct server s = {0};
	struct conf_mail m;

	snprintf(dir, sizeof dir, "%s/plain", tmp);
	mkdir_p(dir);
	CHECK(server_start(&s, dir, NULL) == 0);
	mail_conf(&m, s.port, "a@example.com b@example.com");
	CHECK_INT(mail_digest(&m, subject, text, html, err, sizeof err), 0);
	CHECK_STR(err, "");
	check_received(dir, 1, "digest@earshot.example\na@example.com\nb@example.com\n");
	/* A refused recipient fails the mail, and says so. */
	mail_conf_free(&m);
	mail_conf(&m, s.port, "a@example.com nobody@example.com");
	CHECK_INT(mail_digest(&m, subject, text, html, err, sizeof err), -1);
	CHECK(strstr(err, "550") != NULL);
	CHECK(strstr(err, "SMTP server 127.0.0.1") != NULL);
	snprintf(path, sizeof path, "%s/2.eml", dir);
	CHECK(access(path, F_OK) < 0);
	mail_conf_free(&m);
	server_stop(&s);
}

static void
test_auth(void)
{
	char dir[512], err[512] = "";
	struct server s = {0};
	struct conf_mail m;

	snprintf(dir, sizeof dir, "%s/auth", tmp);
	mkdir_p(dir);
	CHECK(server_start(&s, dir, "digest:" PASSWORD) == 0);
	mail_conf(&m, s.port, "a@example.com");
	log_capture();
	/* No credentials: the server requires AUTH. */
	CHECK_INT(mail_digest(&m, subject, text, html, err, sizeof err), -1);
	CHECK(strstr(err, "530") != NULL);
	m.user = xstrdup("digest");
	m.password = xstrdup("wrong-" PASSWORD);
	CHECK_INT(mail_digest(&m, subject, text, html, err, sizeof err), -1);
	CHECK(strstr(err, "535") != NULL || strstr(err, "Login denied") != NULL);
	CHECK(!strstr(err, PASSWORD));
	free(m.password);
	m.password = xstrdup(PASSWORD);
	CHECK_INT(mail_digest(&m, subject, text, html, err, sizeof err), 0);
	check_received(dir, 1, "digest@earshot.example\na@example.com\n");
	log_check_clean();
	mail_conf_free(&m);
	server_stop(&s);
}

/* A port nobody listens on: bound, then closed. */
static int
dead_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 1;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static void
test_refused(void)
{
	char err[512] = "", url[128];
	struct conf_mail m;

	mail_conf(&m, dead_port(), "a@example.com");
	/* A password in the URL's user part stays out of the message too. */
	snprintf(url, sizeof url, "smtp://digest:%s@127.0.0.1:%s", PASSWORD,
	    strrchr(m.smtp_url, ':') + 1);
	free(m.smtp_url);
	m.smtp_url = xstrdup(url);
	m.user = xstrdup("digest");
	m.password = xstrdup(PASSWORD);
	log_capture();
	CHECK_INT(mail_digest(&m, subject, text, html, err, sizeof err), -1);
	CHECK(strstr(err, "SMTP server 127.0.0.1:") != NULL);
	CHECK(strstr(err, "connect") != NULL);
	CHECK(!strstr(err, PASSWORD));
	log_check_clean();
	mail_conf_free(&m);
}

static void
test_message(void)
{
	struct conf_mail m;
	struct buf b = {0};
	size_t i, col = 0, longest = 0;

	mail_conf(&m, 25, "a@example.com");
	CHECK_INT(mail_message(&m, "Plain subject", text, html, 1764543600, &b), 0);
	CHECK(strstr(b.data, "Date: Sun, 30 Nov 2025 23:00:00 +0000\r\n") != NULL);
	CHECK(strstr(b.data, "Subject: Plain subject\r\n") != NULL);
	CHECK(strstr(b.data, "@earshot.example>\r\n") != NULL);
	for (i = 0; i < b.len; i++, col++) {
		if (b.data[i] == '\n') {
			CHECK(i > 0 && b.data[i - 1] == '\r');
			longest = col - 1 > longest ? col - 1 : longest;
			col = (size_t)-1;
		}
	}
	CHECK(longest <= 76);
	buf_reset(&b);
	/* Header injection through the subject or an address is refused. */
	CHECK_INT(mail_message(&m, "a\r\nBcc: x@evil.example", text, html, 0, &b), 0);
	CHECK(!strstr(b.data, "\r\nBcc:"));
	buf_reset(&b);
	free(m.from);
	m.from = xstrdup("x@example.com\r\nBcc: y@evil.example");
	CHECK_INT(mail_message(&m, "s", text, html, 0, &b), -1);
	buf_free(&b);
	mail_conf_free(&m);
}

static void
test_command(void)
{
	char script[1024], path[600], err[512] = "", *got;
	struct conf_mail m = {0};

	snprintf(script, sizeof script, "printf '%%s' \"$1\" >%s/arg && cat >%s/stdin", tmp, tmp);
	strlist_add(&m.command, "/bin/sh");
	strlist_add(&m.command, "-c");
	strlist_add(&m.command, script);
	strlist_add(&m.command, "sh");
	CHECK_INT(mail_command(&m, "/out/digest/2026-11-30.html", "# Digest\n", err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/arg", tmp);
	got = test_slurp(path);
	CHECK_STR(got, "/out/digest/2026-11-30.html");
	free(got);
	snprintf(path, sizeof path, "%s/stdin", tmp);
	got = test_slurp(path);
	CHECK_STR(got, "# Digest\n");
	free(got);
	strlist_free(&m.command);
	strlist_add(&m.command, "/bin/sh");
	strlist_add(&m.command, "-c");
	strlist_add(&m.command, "exit 3");
	CHECK_INT(mail_command(&m, "/x.html", "", err, sizeof err), -1);
	CHECK(strstr(err, "/bin/sh") && strstr(err, "3"));
	strlist_free(&m.command);
	CHECK_INT(mail_command(&m, "/x.html", "", err, sizeof err), 0);   /* none set */
}

static int
load(const char *body, struct conf *c)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof path, "%s/earshot.conf", tmp);
	if (!(f = fopen(path, "w")))
		return -1;
	fprintf(f, "state_dir = %s/state\n%s[brand Acme]\nmatch = acme\n", tmp, body);
	fclose(f);
	return conf_load(c, path);
}

static void
test_conf_keys(void)
{
	struct conf c;

	setenv("EARSHOT_TEST_SMTP_PASSWORD", PASSWORD, 1);
	log_capture();
	CHECK_INT(load("smtp_url = smtp://127.0.0.1:2525\nmail_from = earshot <d@x.example>\n"
	    "mail_to = a@x.example b@x.example\nsmtp_user = digest\n"
	    "smtp_password = ${EARSHOT_TEST_SMTP_PASSWORD}\n"
	    "digest_command = /usr/bin/notify --digest\n", &c), 0);
	CHECK_STR(c.mail.smtp_url, "smtp://127.0.0.1:2525");
	CHECK_STR(c.mail.from, "earshot <d@x.example>");
	CHECK_INT(c.mail.to.n, 2);
	CHECK_STR(c.mail.to.v[1], "b@x.example");
	CHECK_STR(c.mail.password, PASSWORD);
	CHECK_INT(c.mail.command.n, 2);
	CHECK(mail_configured(&c.mail));
	conf_free(&c);
	CHECK_INT(load("", &c), 0);
	CHECK(!mail_configured(&c.mail));
	conf_free(&c);
	CHECK_INT(load("mail_to = a@x.example\n", &c), -1);
	CHECK_INT(load("smtp_url = http://x\nmail_from = a@x\nmail_to = b@x\n", &c), -1);
	CHECK_INT(load("smtp_url = smtp://x\nmail_from = a@x\nmail_to = b@x\n"
	    "smtp_password = ${EARSHOT_TEST_SMTP_PASSWORD}\n", &c), -1);
	log_check_clean();
}

int
main(void)
{
	char cmd[64];

	if (!mkdtemp(tmp))
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	RUN(test_message);
	RUN(test_send);
	RUN(test_auth);
	RUN(test_refused);
	RUN(test_command);
	RUN(test_conf_keys);
	curl_global_cleanup();
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return TEST_END();
}

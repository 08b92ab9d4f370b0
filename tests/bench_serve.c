/* bench_serve: the loopback feed server of make bench and make bench-fetch
 * (scripts/benchlib.py starts one for all the addresses).
 *
 * usage: bench_serve DIR ADDR...
 *
 * Binds each IPv4 ADDR on a free port, prints the ports one a line in the
 * order given, then serves DIR's files until SIGTERM or SIGINT (exit 0).
 * GET /NAME answers DIR/NAME (NAME without '/', not starting with '.')
 * with a Content-Type by extension and an ETag of the file's length and
 * the generation, or 304 to a matching If-None-Match, or 404. GET /gen/N
 * makes every address serve generation N: each "gen0-" of a body becomes
 * "genN-", so the same feeds carry new items.
 *
 * Why C: the servers were Python's http.server, and curl alone needed a
 * second for 1000 feeds, which capped what make bench could measure of
 * earshot. One thread and epoll keep the server to at most one core and
 * to little of it, so the figures are earshot's and its peer's. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "bench_serve.h"
#include "util.h"

/* A request head; curl's and earshot's are well under 1 KiB. A longer one
 * is answered 400, so a connection holds a bounded buffer. */
#define HEAD_MAX 8192


/* What epoll's data.ptr points at starts with one of these. */
enum kind { LISTENER, CONN, SIGNALS };

struct handle {
	enum kind kind;
	int fd;
};

struct conn {
	struct handle h;
	struct conn *prev, *next;
	uint32_t events;	/* EPOLLIN, or EPOLLOUT while a response is out */
	int closing;		/* close once the response is sent */
	int eof;		/* the client sent all it will */
	size_t inlen;
	char in[HEAD_MAX];
	size_t headlen, off;	/* off counts bytes of head, then body, sent */
	char head[256];
	struct blob *body;
};

struct request {
	const char *target, *inm;	/* inm: If-None-Match, or NULL */
	size_t tlen, inmlen;
	int get, close;
};

struct server {
	struct files ft;
	int ep;
	struct conn *conns;
	struct handle *ls;
	size_t nls;
	struct handle sig;
	struct blob *ok;	/* the body answering /gen/N */
};

/* The length of the head in p up to and with its empty line (CRLF or bare
 * LF line ends, as Python accepts both), 0 while incomplete. */
static size_t
head_end(const char *p, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (p[i] == '\n' && (p[i - 1] == '\n' || (i >= 2 && p[i - 1] == '\r' &&
		    p[i - 2] == '\n')))
			return i + 1;
	return 0;
}

/* The line at *p without its line end, its length in *len; moves *p past
 * it. The head is known to end with an empty line. */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char *l = *p, *nl = memchr(l, '\n', (size_t)(end - l));

	*p = nl + 1;
	*len = (size_t)(nl - l) - (nl > l && nl[-1] == '\r');
	return l;
}

static int
token_is(const char *s, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(s, want, len) == 0;
}

/* Reads the head [buf, buf + n) into r: 0, or -1 when it is not a request
 * this server can answer safely (a body would be read as the next request). */
static int
request_parse(const char *buf, size_t n, struct request *r)
{
	const char *p = buf, *end = buf + n, *l, *sp1, *sp2, *v, *colon;
	size_t len, vlen;

	memset(r, 0, sizeof *r);
	l = next_line(&p, end, &len);
	if ((sp1 = memchr(l, ' ', len)) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - l))) == NULL || sp2 == sp1 + 1)
		return -1;
	r->get = sp1 - l == 3 && memcmp(l, "GET", 3) == 0;
	r->target = sp1 + 1;
	r->tlen = (size_t)(sp2 - r->target);
	v = sp2 + 1;
	vlen = len - (size_t)(v - l);
	/* HTTP/1.0 closes unless it asks for keep-alive, as in http.server. */
	if (vlen != 8 || (memcmp(v, "HTTP/1.1", 8) != 0 && memcmp(v, "HTTP/1.0", 8) != 0))
		return -1;
	r->close = v[7] == '0';
	while ((l = next_line(&p, end, &len)), len > 0) {
		if ((colon = memchr(l, ':', len)) == NULL)
			return -1;
		v = colon + 1;
		vlen = len - (size_t)(v - l);
		while (vlen > 0 && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		len = (size_t)(colon - l);
		if (token_is(l, len, "If-None-Match") && r->inm == NULL) {
			r->inm = v;
			r->inmlen = vlen;
		} else if (token_is(l, len, "Connection")) {
			if (token_is(v, vlen, "close"))
				r->close = 1;
			else if (token_is(v, vlen, "keep-alive"))
				r->close = 0;
		} else if ((token_is(l, len, "Content-Length") && !(vlen == 1 && *v == '0')) ||
		    token_is(l, len, "Transfer-Encoding"))
			return -1;
	}
	return 0;
}

/* Queues a response on c, taking over the caller's reference to body
 * (NULL: empty). fields are further header lines, each ending in CRLF. */
static void
respond(struct conn *c, const char *status, const char *fields, struct blob *body)
{
	int n = snprintf(c->head, sizeof c->head,
	    "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\n%s\r\n", status, fields,
	    body ? body->len : 0, c->closing ? "Connection: close\r\n" : "");

	/* The longest fields (a type and an ETag) fit in c->head. */
	assert(n > 0 && (size_t)n < sizeof c->head);
	c->headlen = (size_t)n;
	c->off = 0;
	c->body = body;
}

/* /gen/N after the leading slashes: 1 and *gen set, else 0. */
static int
gen_path(const char *t, size_t len, unsigned *gen)
{
	size_t i;

	if (len < 5 || len > 4 + 9 || memcmp(t, "gen/", 4) != 0)
		return 0;
	*gen = 0;
	for (i = 4; i < len; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		*gen = *gen * 10 + (unsigned)(t[i] - '0');
	}
	return 1;
}

static void
request_answer(struct server *s, struct conn *c, const struct request *r)
{
	const char *name = r->target;
	size_t nlen = r->tlen;
	char etag[48], fields[160];
	struct file *f;
	struct blob *body;
	unsigned gen;

	if (!r->get) {
		c->closing = 1;
		respond(c, "501 Not Implemented", "", NULL);
		return;
	}
	c->closing |= r->close;
	/* As benchlib's self.path.lstrip("/"). */
	while (nlen > 0 && *name == '/')
		name++, nlen--;
	if (gen_path(name, nlen, &gen)) {
		files_set_gen(&s->ft, gen);
		respond(c, "200 OK", "", blob_ref(s->ok));
		return;
	}
	if (nlen == 0 || *name == '.' || memchr(name, '/', nlen) || memchr(name, '\0', nlen) ||
	    (f = files_get(&s->ft, name, nlen)) == NULL) {
		respond(c, "404 Not Found", "", NULL);
		return;
	}
	snprintf(etag, sizeof etag, "\"%zx-%u\"", f->body->len, s->ft.gen);
	if (r->inm != NULL && r->inmlen == strlen(etag) && memcmp(r->inm, etag, r->inmlen) == 0) {
		snprintf(fields, sizeof fields, "ETag: %s\r\n", etag);
		respond(c, "304 Not Modified", fields, NULL);
		return;
	}
	if ((body = file_body(&s->ft, f)) == NULL) {
		c->closing = 1;
		respond(c, "500 Internal Server Error", "", NULL);
		return;
	}
	snprintf(fields, sizeof fields, "Content-Type: %s\r\nETag: %s\r\n",
	    content_type(name, nlen), etag);
	respond(c, "200 OK", fields, body);
}

static int
conn_watch(struct server *s, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->events == events)
		return 0;
	c->events = events;
	return epoll_ctl(s->ep, EPOLL_CTL_MOD, c->h.fd, &ev);
}

/* Sends what it can of c's response; watches for room to send the rest
 * (not reading meanwhile, which bounds what a client can queue). -1: close
 * c, for an error or a response sent that ends the connection. */
static int
conn_flush(struct server *s, struct conn *c)
{
	size_t blen = c->body ? c->body->len : 0, boff;
	struct iovec iov[2];
	struct msghdr m;
	ssize_t w;

	while (c->off < c->headlen + blen) {
		memset(&m, 0, sizeof m);
		m.msg_iov = iov;
		if (c->off < c->headlen) {
			iov[m.msg_iovlen].iov_base = c->head + c->off;
			iov[m.msg_iovlen++].iov_len = c->headlen - c->off;
		}
		boff = c->off > c->headlen ? c->off - c->headlen : 0;
		if (boff < blen) {
			iov[m.msg_iovlen].iov_base = c->body->data + boff;
			iov[m.msg_iovlen++].iov_len = blen - boff;
		}
		/* MSG_NOSIGNAL: a client gone is an error here, not SIGPIPE. */
		if ((w = sendmsg(c->h.fd, &m, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return conn_watch(s, c, EPOLLOUT);
			return -1;
		}
		c->off += (size_t)w;
	}
	blob_unref(c->body);
	c->body = NULL;
	c->headlen = c->off = 0;
	return c->closing ? -1 : conn_watch(s, c, EPOLLIN);
}

/* Reads what has arrived, up to a full buffer; -1 on a read error. One
 * recv: epoll is level-triggered and says when there is more, and a second
 * recv would mostly be an EAGAIN per request. */
static int
conn_read(struct conn *c)
{
	ssize_t r;

	/* conn_serve answers a full buffer: a recv of 0 bytes would be EOF. */
	assert(c->inlen < sizeof c->in);
	r = recv(c->h.fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
	if (r > 0)
		c->inlen += (size_t)r;
	else if (r == 0)
		c->eof = 1;
	else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	return 0;
}

/* Answers the complete requests buffered, one at a time while each
 * response goes out at once (clients may pipeline). -1: close c. */
static int
conn_serve(struct server *s, struct conn *c)
{
	struct request r;
	size_t n;

	while (c->headlen == 0 && !c->closing) {
		if ((n = head_end(c->in, c->inlen)) == 0 && c->inlen < sizeof c->in)
			break;
		if (n == 0 || request_parse(c->in, n, &r) < 0) {
			c->closing = 1;
			respond(c, "400 Bad Request", "", NULL);
			n = c->inlen;
		} else {
			request_answer(s, c, &r);
		}
		memmove(c->in, c->in + n, c->inlen - n);
		c->inlen -= n;
		if (conn_flush(s, c) < 0)
			return -1;
	}
	return c->headlen == 0 && (c->eof || c->closing) ? -1 : 0;
}

static int
conn_event(struct server *s, struct conn *c)
{
	if (c->headlen > 0) {
		if (conn_flush(s, c) < 0)
			return -1;
	} else if (conn_read(c) < 0) {
		return -1;
	}
	return conn_serve(s, c);
}

static void
conn_close(struct server *s, struct conn *c)
{
	close(c->h.fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	blob_unref(c->body);
	free(c);
}

static void
conn_accept(struct server *s, int lfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct conn *c;
	int fd, one = 1;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* EMFILE and the like: the backlog keeps the rest. */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				perror("bench_serve: accept");
			return;
		}
		if ((c = calloc(1, sizeof *c)) == NULL) {
			close(fd);
			continue;
		}
		c->h.kind = CONN;
		c->h.fd = fd;
		c->events = EPOLLIN;
		ev.data.ptr = c;
		/* A response goes out in one sendmsg; Nagle would only hold
		 * back the tail of a large one. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = c;
		s->conns = c;
	}
}

/* Listens on addr at a free port, written to *port; -1 with the reason
 * on stderr. */
static int
listen_on(struct server *s, struct handle *h, const char *addr, unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = h };
	int one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "bench_serve: %s: not an IPv4 address\n", addr);
		return -1;
	}
	h->kind = LISTENER;
	if ((h->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(h->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(h->fd, SOMAXCONN) < 0 ||
	    getsockname(h->fd, (struct sockaddr *)&sa, &len) < 0 ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, h->fd, &ev) < 0) {
		fprintf(stderr, "bench_serve: %s: %s\n", addr, strerror(errno));
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return 0;
}

/* SIGTERM and SIGINT arrive as a readable fd, so the loop ends between
 * events and frees what it holds. */
static int
signals_watch(struct server *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &s->sig };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	s->sig.kind = SIGNALS;
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (s->sig.fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0 ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, s->sig.fd, &ev) < 0) {
		perror("bench_serve: signals");
		return -1;
	}
	return 0;
}

static void
server_loop(struct server *s)
{
	struct epoll_event ev[64];
	struct handle *h;
	int i, n;

	for (;;) {
		if ((n = epoll_wait(s->ep, ev, 64, -1)) < 0) {
			if (errno == EINTR)
				continue;
			perror("bench_serve: epoll_wait");
			return;
		}
		for (i = 0; i < n; i++) {
			h = ev[i].data.ptr;
			if (h->kind == SIGNALS)
				return;
			if (h->kind == LISTENER)
				conn_accept(s, h->fd);
			else if (conn_event(s, (struct conn *)h) < 0)
				conn_close(s, (struct conn *)h);
		}
	}
}

static void
server_free(struct server *s)
{
	size_t i;

	while (s->conns != NULL)
		conn_close(s, s->conns);
	files_free(&s->ft);
	for (i = 0; i < s->nls; i++)
		if (s->ls[i].fd >= 0)
			close(s->ls[i].fd);
	free(s->ls);
	blob_unref(s->ok);
	if (s->sig.fd >= 0)
		close(s->sig.fd);
	if (s->ep >= 0)
		close(s->ep);
}

int
main(int argc, char **argv)
{
	struct server s;
	unsigned port;
	int i, rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_serve DIR ADDR...\n");
		return 2;
	}
	memset(&s, 0, sizeof s);
	s.ft.dir = argv[1];
	s.sig.fd = -1;
	s.nls = (size_t)argc - 2;
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	s.ls = calloc(s.nls, sizeof *s.ls);
	s.ok = blob_new(3);
	if (s.ep < 0 || s.ls == NULL || s.ok == NULL) {
		perror("bench_serve");
		goto out;
	}
	memcpy(s.ok->data, "ok\n", 3);
	for (i = 0; i < (int)s.nls; i++)
		s.ls[i].fd = -1;
	if (signals_watch(&s) < 0)
		goto out;
	for (i = 0; i < (int)s.nls; i++) {
		if (listen_on(&s, &s.ls[i], argv[i + 2], &port) < 0)
			goto out;
		printf("%u\n", port);
	}
	/* The ports are the caller's signal that every address is ready. */
	if (fflush(stdout) == EOF)
		goto out;
	server_loop(&s);
	rc = 0;
out:
	server_free(&s);
	return rc;
}

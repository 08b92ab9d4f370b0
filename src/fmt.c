#include "fmt.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_PREC 9

/* Where the output goes: as much as fits, and how much there is. */
struct out {
	char *p;
	size_t cap, len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - 1 - o->len;

		memcpy(o->p + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

char *
fmt_digits(uint64_t v, char *end)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

static void
integer(struct out *o, int negative, uint64_t mag)
{
	char d[21], *s = fmt_digits(mag, d + sizeof d);

	if (negative)
		put(o, "-", 1);
	put(o, s, (size_t)(d + sizeof d - s));
}

/* k / 10^places in decimal, the sign first ('-' when negative, else
 * sign when not 0), put to o. */
static void
scaled(struct out *o, uint64_t k, int places, int negative, char sign)
{
	char d[40], *p = d + sizeof d;
	uint64_t unit = 1;
	int i;

	for (i = 0; i < places; i++)
		unit *= 10;
	if (places) {
		uint64_t f = k % unit;

		for (i = 0; i < places; i++, f /= 10)
			*--p = (char)('0' + f % 10);
		*--p = '.';
	}
	p = fmt_digits(k / unit, p);
	if (negative)
		*--p = '-';
	else if (sign)
		*--p = sign;
	put(o, p, (size_t)(d + sizeof d - p));
}

/* %.{prec}f (with '+' when plus). The value is scaled and rounded in
 * double arithmetic only while that cannot land on the other side of a
 * rounding tie: below 2^31 once scaled, a product's error is under 2.4e-7,
 * so a fraction more than 1e-6 from .5 rounds as printf rounds the exact
 * value. Anything else goes to snprintf. */
static void
fixed(struct out *o, double v, int prec, int plus)
{
	static const double scale[MAX_PREC + 1] = {
		1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	};
	double a = fabs(v), s, whole, frac;

	if (!(a * scale[prec] < 2147483648.0) ||
	    (s = a * scale[prec], whole = floor(s), frac = s - whole,
	    fabs(frac - 0.5) < 1e-6)) {
		char slow[400];  /* DBL_MAX in %+.9f is 320 bytes */
		int n = snprintf(slow, sizeof slow, plus ? "%+.*f" : "%.*f", prec, v);

		put(o, slow, n > 0 ? (size_t)n : 0);
		return;
	}
	scaled(o, (uint64_t)whole + (frac > 0.5), prec, signbit(v) != 0, plus ? '+' : 0);
}

/* One conversion's parts, as spec_read reads them. */
struct spec {
	int plus, prec;     /* prec -1: none */
	int len;            /* 0, 'l', 'L' (ll) or 'z' */
	char conv;
	const char *next;   /* after the conversion */
};

/* Reads the conversion after a '%' at f; 0, or -1 outside the subset. */
static int
spec_read(const char *f, struct spec *sp)
{
	sp->plus = 0;
	sp->prec = -1;
	sp->len = 0;
	if (*f == '+')
		sp->plus = 1, f++;
	if (*f == '.') {
		f++;
		if (*f < '0' || *f > '9')
			return -1;
		sp->prec = 0;
		while (*f >= '0' && *f <= '9' && sp->prec < 1000)
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	if (*f == 'l')
		sp->len = f[1] == 'l' ? (f += 2, 'L') : (f++, 'l');
	else if (*f == 'z')
		sp->len = 'z', f++;
	sp->conv = *f;
	sp->next = f + (*f != '\0');
	switch (sp->conv) {
	case 'd': case 'i': case 'u':
		return sp->prec < 0 && !sp->plus ? 0 : -1;
	case 'c': case '%':
		return sp->prec < 0 && !sp->plus && !sp->len ? 0 : -1;
	case 's':
		return !sp->plus && !sp->len ? 0 : -1;
	case 'f':
		return sp->prec >= 0 && sp->prec <= MAX_PREC && !sp->len ? 0 : -1;
	default:
		return -1;
	}
}

static void
string(struct out *o, const char *s, int prec)
{
	size_t n;

	/* glibc's: "(null)", or nothing when the precision cuts it. */
	if (!s)
		s = prec < 0 || prec >= 6 ? "(null)" : "";
	if (prec < 0)
		n = strlen(s);
	else {
		const char *end = memchr(s, '\0', (size_t)prec);

		n = end ? (size_t)(end - s) : (size_t)prec;
	}
	put(o, s, n);
}

int
fmt_g(char *out, size_t cap, double v, int precision)
{
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	struct out o = { out, cap, 0 };
	double a = fabs(v), limit = 1;
	int d, i;

	for (i = 0; i < precision; i++)
		limit *= 10;
	/* The fewest places d for which k / 10^d, k an integer of at most
	 * `precision` digits, is v: k and 10^d are exact doubles, so the
	 * division is the correctly rounded k / 10^d, which is what reading
	 * the decimal back gives. v is then the double nearest that decimal,
	 * far closer to it than half a unit of its last significant digit,
	 * and %g prints the decimal itself: %f style (it is at least 1e-4
	 * and below 10^precision) without trailing zeros. "Far closer" holds
	 * to 15 significant digits: at 17, %g shows 0.1 as 0.10000000000000001. */
	for (d = 0; precision >= 1 && precision <= 15 && d < (int)(sizeof scale / sizeof scale[0]); d++) {
		double k = nearbyint(a * scale[d]);

		if (!(k < limit) || k / scale[d] != a)
			continue;
		if (k != 0 && d > 4 && k < scale[d - 4])
			break;          /* below 1e-4: %g's exponent form */
		scaled(&o, (uint64_t)k, d, signbit(v) != 0, 0);
		if (cap)
			out[o.len < cap ? o.len : cap - 1] = '\0';
		return (int)o.len;
	}
	return snprintf(out, cap, "%.*g", precision, v);
}

/* fmt_vsnprintf's subset; -2 at the first conversion outside it. */
static int
vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { out, cap, 0 };
	struct spec sp;
	const char *pct;

	while ((pct = strchr(fmt, '%'))) {
		put(&o, fmt, (size_t)(pct - fmt));
		if (spec_read(pct + 1, &sp) < 0)
			return -2;
		fmt = sp.next;
		switch (sp.conv) {
		case 'd': case 'i': {
			long long v = sp.len == 'L' ? va_arg(ap, long long) :
			    sp.len == 'l' ? va_arg(ap, long) : sp.len == 'z' ?
			    (long long)va_arg(ap, size_t) : va_arg(ap, int);

			integer(&o, v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v);
			break;
		}
		case 'u':
			integer(&o, 0, sp.len == 'L' ? va_arg(ap, unsigned long long) :
			    sp.len == 'l' ? va_arg(ap, unsigned long) : sp.len == 'z' ?
			    va_arg(ap, size_t) : va_arg(ap, unsigned));
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			put(&o, &c, 1);
			break;
		}
		case 's':
			string(&o, va_arg(ap, const char *), sp.prec);
			break;
		case 'f':
			fixed(&o, va_arg(ap, double), sp.prec, sp.plus);
			break;
		default:
			put(&o, "%", 1);
		}
	}
	put(&o, fmt, strlen(fmt));
	if (cap)
		out[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len > INT_MAX ? -1 : (int)o.len;
}

int
fmt_vsnprintf(char *out, size_t cap, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	/* One pass, not a check of the format first: outside the subset,
	 * vsnprintf starts over from a copy of the arguments. */
	va_copy(again, ap);
	if ((n = vformat(out, cap, fmt, ap)) == -2)
		n = vsnprintf(out, cap, fmt, again);
	va_end(again);
	return n;
}

/* Local days for the digest: the configured zone, midnights, dates and
 * ISO 8601 times with their offset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "digest_int.h"
#include "util.h"

void
digest_set_zone(const char *tz)
{
	/* The zone last set: setting the same again is skipped, so that the
	 * digest's thread (digest_today_start) never calls setenv while
	 * another thread may read the environment. */
	static char set[256];
	const char *z = tz && *tz ? tz : "UTC";

	if (!strcmp(set, z))
		return;
	snprintf(set, sizeof set, "%s", z);
	setenv("TZ", z, 1);
	tzset();
}

void
digest_local_date(int64_t t, int offset_days, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	/* Noon of the day, moved by whole days, never crosses a DST jump. */
	tm.tm_mday += offset_days;
	tm.tm_hour = 12;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	tt = mktime(&tm);
	localtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int64_t
digest_midnight(const char *date, int offset_days)
{
	struct tm tm = {0};
	char back[16];
	int y, m, d, n = 0;

	if (!date || sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || date[n] || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	/* A day that does not exist (2026-02-30) comes back as another. */
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1)
		return -1;
	if (!strftime(back, sizeof back, "%Y-%m-%d", &tm) || strcmp(back, date))
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + offset_days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

void
digest_iso(int64_t t, char out[26])
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;

	localtime_r(&tt, &tm);
	/* tm_gmtoff is not POSIX: the offset is local time read as UTC. */
	off = (long)(time_from_utc(&tm) - t);
	strftime(out, 20, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + 19, 7, "%c%02d:%02d", off < 0 ? '-' : '+',
	    (int)(labs(off) / 3600 % 24), (int)(labs(off) / 60 % 60));
}

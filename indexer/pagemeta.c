/* pagemeta.c - owns the reading of single lines of a web page for what
 * they say about the article: dates, "来源：" labels, page furniture and
 * the site suffix of a <title>; and what the class and id names of its
 * markup say (the rules are in pagemeta.h).
 *
 * Everything here works on byte spans of collapsed UTF-8 text and keeps no
 * state, so html.c can ask about any line in any order.  Labels are matched
 * as UTF-8 byte strings: every label is CJK, and a CJK character's bytes
 * never occur inside another character's.
 */
#include "pagemeta.h"
#include "../common/date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

static int is_cjk(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static int32_t next_cp(const char *s, size_t n, size_t *i)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + *i, (utf8proc_ssize_t)(n - *i), &cp);
    if (k <= 0) {
        (*i)++;
        return -1;
    }
    *i += (size_t)k;
    return cp;
}

/* The code point ending just before s[i] (-1 at the start or for a broken
 * sequence). */
static int32_t prev_cp(const char *s, size_t i)
{
    size_t j = i;
    while (j > 0 && i - j < 4 && ((unsigned char)s[j - 1] & 0xC0) == 0x80)
        j--;
    if (j == 0 || i - j >= 4)
        return -1;
    j--;
    return next_cp(s, i, &j);
}

/* ---- dates ---- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* min..max digits at s[i], not followed by another digit. */
static int digits(const char *s, size_t n, size_t i, int min, int max, int *val, size_t *end)
{
    int v = 0, k = 0;

    while (i + (size_t)k < n && k < max && is_digit(s[i + k]))
        v = v * 10 + (s[i + k++] - '0');
    if (k < min || (i + (size_t)k < n && is_digit(s[i + k])))
        return 0;
    *val = v;
    *end = i + (size_t)k;
    return 1;
}

static int word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    return i + k <= n && memcmp(s + i, w, k) == 0;
}

/* A time "10:48[:ss]", "10：48" or "10时48分" at s[i]: 1 with its end.
 * 00:00:00 and 23:59:59 are what content systems write for "no time", and
 * are taken as no time. */
static int time_at(const char *s, size_t n, size_t i, int *hh, int *mi, size_t *end)
{
    size_t j, sl;
    int sec = -1;

    if (!digits(s, n, i, 1, 2, hh, &j))
        return 0;
    sl = j < n && s[j] == ':' ? 1 : (word_at(s, n, j, "：") || word_at(s, n, j, "时")) ? 3 : 0;
    if (!sl || !digits(s, n, j + sl, 2, 2, mi, &j) || *hh > 23 || *mi > 59)
        return 0;
    if (word_at(s, n, j, "分"))
        j += 3;
    else if (j < n && s[j] == ':' && digits(s, n, j + 1, 2, 2, &sec, &i))
        j = i;
    if ((*hh == 0 && *mi == 0 && sec == 0) || (*hh == 23 && *mi == 59 && sec == 59))
        return 0;
    *end = j;
    return 1;
}

/* A date starting at s[i] (2019-12-21, 2019/12/21, 2019.12.21 or
 * 2019年12月21日, then maybe a time after spaces, "T" or "-"): 1 with its
 * end and its form "YYYY-MM-DD[ HH:MM]" in out. */
int fupin_pagemeta_date_at(const char *s, size_t n, size_t i, size_t *end, char out[17])
{
    int y, mo, d, hh = -1, mi = -1, cn = 0;
    char sep = 0, check[13];
    size_t j, k;

    if (i > 0 && is_digit(s[i - 1]))
        return 0;
    if (!digits(s, n, i, 4, 4, &y, &j) || y < 1990 || y > 2099)
        return 0;
    if (j < n && (s[j] == '-' || s[j] == '/' || s[j] == '.'))
        sep = s[j++];
    else if (word_at(s, n, j, "年"))
        cn = 1, j += 3;
    else
        return 0;
    if (!digits(s, n, j, 1, 2, &mo, &j))
        return 0;
    if (cn ? !word_at(s, n, j, "月") : !(j < n && s[j] == sep))
        return 0;
    j += cn ? 3 : 1;
    if (!digits(s, n, j, 1, 2, &d, &j))
        return 0;
    if (word_at(s, n, j, "日"))
        j += 3;
    for (k = j; k < n && k - j < 3 && (s[k] == ' ' || s[k] == 'T' || s[k] == '-'); k++)
        ;
    if (!time_at(s, n, k, &hh, &mi, &k))
        hh = -1;
    else
        j = k;
    if (hh >= 0)
        snprintf(out, 17, "%04u-%02u-%02u %02u:%02u", (unsigned)y % 10000, (unsigned)mo % 100,
                 (unsigned)d % 100, (unsigned)hh % 100, (unsigned)mi % 100);
    else
        snprintf(out, 17, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)mo % 100, (unsigned)d % 100);
    if (fupin_date_parse(out, strlen(out), 0, check) != 0)
        return 0;
    *end = j;
    return 1;
}

/* The first date in s[0..n). */
int fupin_pagemeta_find_date(const char *s, size_t n, char out[17])
{
    size_t end;

    for (size_t i = 0; i + 8 <= n; i++)
        if (is_digit(s[i]) && fupin_pagemeta_date_at(s, n, i, &end, out))
            return 1;
    return 0;
}

/* Skips spaces, then a ':' or '：' (required when need_colon), then spaces. */
static size_t after_colon(const char *s, size_t n, size_t j, int need_colon)
{
    int colon = 0;

    while (j < n && s[j] == ' ')
        j++;
    if (j < n && s[j] == ':')
        j++, colon = 1;
    else if (word_at(s, n, j, "："))
        j += 3, colon = 1;
    if (need_colon && !colon)
        return (size_t)-1;
    while (j < n && s[j] == ' ')
        j++;
    return j;
}

/* A date right after a label such as 发布时间： in s[0..n). */
int fupin_pagemeta_labelled_date(const char *s, size_t n, char out[17])
{
    static const char *const labels[] = { "发布时间", "发表时间", "发稿时间", "发布日期", "更新时间",
                                          "时间", "日期", "发布于", "发表于", "发布" };
    size_t end;

    for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
        size_t k = strlen(labels[l]);
        for (const char *p = memmem(s, n, labels[l], k); p; p = memmem(p + 1, n - (size_t)(p + 1 - s), labels[l], k)) {
            size_t j = after_colon(s, n, (size_t)(p - s) + k, 0);
            if (fupin_pagemeta_date_at(s, n, j, &end, out))
                return 1;
            if (p + 1 >= s + n)
                break;
        }
    }
    return 0;
}

/* ---- sources ---- */

static size_t count(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w), c = 0;

    for (const char *p = memmem(s, n, w, k); p; p = memmem(p + k, n - (size_t)(p + k - s), w, k))
        c++;
    return c;
}

static int starts_label(const char *s, size_t n, size_t j)
{
    static const char *const stops[] = { "作者", "编辑", "责任编辑", "责编", "时间", "发布", "日期",
                                         "浏览", "点击", "字号", "阅读", "记者", "通讯员", "摄影",
                                         "来源", "打印", "分享", "关闭", "【", "［" };
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        if (word_at(s, n, j, stops[i]))
            return 1;
    return 0;
}

/* A source after a label such as 来源： in s[0..n): 1 with *off, *len of
 * the value.  The label must not follow a CJK character (资金来源 is
 * prose). */
int fupin_pagemeta_labelled_source(const char *s, size_t n, size_t *off, size_t *len)
{
    static const char *const labels[] = { "文章来源", "信息来源", "稿件来源", "新闻来源", "本文来源",
                                          "内容来源", "消息来源", "来源" };
    for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
        size_t k = strlen(labels[l]);
        for (const char *p = memmem(s, n, labels[l], k); p;
             p = p + 1 < s + n ? memmem(p + 1, n - (size_t)(p + 1 - s), labels[l], k) : NULL) {
            size_t i = (size_t)(p - s), j = after_colon(s, n, i + k, 1), v, chars = 0;
            int32_t before = prev_cp(s, i);
            if (j == (size_t)-1 || (before >= 0 && is_cjk(before)))
                continue;
            v = j;
            while (j < n && chars < 40 && s[j] != ' ' && s[j] != '|' && !word_at(s, n, j, "｜") &&
                   !(j > v && starts_label(s, n, j))) {
                next_cp(s, n, &j);
                chars++;
            }
            /* trailing punctuation is the line's, not the name's */
            while (j > v) {
                size_t t = j;
                int32_t c = prev_cp(s, t);
                if (c == ':' || c == ',' || c == 0xFF1A || c == 0xFF0C || c == 0x3002 || c == 0x3001 ||
                    c == 0xFF09 || c == ')')
                    j -= c < 0x80 ? 1 : 3;
                else
                    break;
                if ((c == 0xFF09 || c == ')') &&
                    count(s + v, j - v, c == ')' ? "(" : "（") > count(s + v, j - v, c == ')' ? ")" : "）")) {
                    j = t;   /* it closes a bracket opened in the value: 新华社（北京） */
                    break;
                }
            }
            if (j > v) {
                *off = v;
                *len = j - v;
                return 1;
            }
        }
    }
    return 0;
}


/* Editor, print, share and source lines: page furniture. */
int fupin_pagemeta_furniture(const char *s, size_t n)
{
    static const char *const words[] = {
        "责任编辑", "责编", "编辑：", "编辑:", "本文来源", "文章来源", "来源：", "来源:", "校对：",
        "审核：", "签发：", "纠错", "打印", "关闭窗口", "返回顶部", "分享到", "扫一扫", "字号",
        "浏览次数", "阅读次数", "点击数", "【大", "[大", "校对", "点击进入",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (memmem(s, n, words[i], strlen(words[i])))
            return 1;
    return 0;
}


/* Length of a page title without its site suffix: what follows the first
 * separator after at least two characters. */
size_t fupin_pagemeta_strip_site(const char *t, size_t n)
{
    static const char *const seps[] = { " - ", " – ", " — ", "--", "——", "_", "|", "｜", "-" };

    for (size_t i = 6; i < n; i++)
        for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
            size_t sl = strlen(seps[k]);
            if (!word_at(t, n, i, seps[k]))
                continue;
            /* a bare '-' inside "2019-2020" or "Wi-Fi" is a hyphen */
            if (sl == 1 && seps[k][0] == '-' && i + 1 < n &&
                ((t[i - 1] & 0x80) == 0 && t[i - 1] != ' ') && ((t[i + 1] & 0x80) == 0 && t[i + 1] != ' '))
                continue;
            while (i > 0 && t[i - 1] == ' ')
                i--;
            return i;
        }
    return n;
}

/* ---- class and id names ---- */

/* Does a class or id value name page furniture?  Matched per word (runs of
 * letters and digits, lower-cased): some words are noise outright, some as
 * the start of a word ("sharecommend", "commentBox"). */
int fupin_pagemeta_noise_name(const char *v)
{
    static const char *const whole[] = {
        "foot", "side", "ad", "ads", "hot", "rank", "tags", "tag", "keywords", "keyword",
        "tool", "tools", "print", "header", "sns", "jubao", "reward", "dashang", "pager",
    };
    static const char *const start[] = {
        "comment", "share", "footer", "copyright", "sidebar", "breadcrumb", "crumb",
        "recommend", "related", "relate", "advert", "banner", "login", "search", "toolbar",
        "pagination", "qrcode", "social", "nav", "menu", "sitemap", "friendlink", "hotnews",
        "tie", "gg2", "gg3", "gg6", "gg7",
    };
    char w[32];

    if (!v)
        return 0;
    while (*v) {
        size_t n = 0;
        while (*v && !((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9')))
            v++;
        while ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9')) {
            if (n + 1 < sizeof w)
                w[n++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v);
            v++;
        }
        w[n] = '\0';
        for (size_t i = 0; n && i < sizeof whole / sizeof whole[0]; i++)
            if (!strcmp(w, whole[i]))
                return 1;
        for (size_t i = 0; n && i < sizeof start / sizeof start[0]; i++)
            if (!strncmp(w, start[i], strlen(start[i])))
                return 1;
    }
    return 0;
}

/* A summary (摘要) a site prints above the article text, outside its
 * container: 网易's <p class="ep-summary">. */
int fupin_pagemeta_summary_name(const char *v)
{
    return v && (strcasestr(v, "summary") || strcasestr(v, "digest") || strcasestr(v, "abstract") ||
                 strcasestr(v, "zhaiyao"));
}

/* "source" as a word of a class or id value: a_source, ne_article_source,
 * source-name; not sourcePopwin. */
int fupin_pagemeta_source_name(const char *v)
{
    for (const char *p = v ? strcasestr(v, "source") : NULL; p; p = strcasestr(p + 1, "source")) {
        char before = p > v ? p[-1] : ' ', after = p[6];
        if ((before == ' ' || before == '_' || before == '-') &&
            (after == '\0' || after == ' ' || after == '_' || after == '-'))
            return 1;
    }
    return 0;
}

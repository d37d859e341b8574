/* decode.c - owns the choice of charset for a file's bytes and their
 * conversion to UTF-8 (the order of evidence is in decode.h).
 *
 * The detector (libuchardet) and the last iconv descriptor are kept in the
 * handle and reused from file to file; so is the output buffer.  UTF-8
 * input is never copied: the caller gets a view of its own bytes.  The
 * cleanliness test counts iconv's EILSEQ stops (one per invalid sequence,
 * each replaced by U+FFFD and skipped) against the non-ASCII characters it
 * produced.
 */
#include "decode.h"
#include "../common/status.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>
#include <utf8proc.h>

#define DETECT_MAX (1u << 20)      /* uchardet is sure long before this */
#define DECLARE_WINDOW 16384       /* where a page's charset declaration is looked for */
#define UTF8_BAD_PER_GOOD 100      /* UTF-8 despite one bad sequence per this many good */
#define ICONV_BAD_PER_GOOD 200     /* clean despite one invalid sequence per this many */

struct fupin_decode {
    uchardet_t ud;
    iconv_t cd;
    char cd_name[32];
    char *buf;
    size_t cap;
    char charset[32];
    const char *how;
    char msg[320];
};

int fupin_decode_new(fupin_decode **out)
{
    fupin_decode *d = calloc(1, sizeof *d);

    *out = NULL;
    if (!d)
        return FUPIN_ENOMEM;
    d->cd = (iconv_t)-1;
    d->how = "";
    if (!(d->ud = uchardet_new())) {
        free(d);
        return FUPIN_ENOMEM;
    }
    *out = d;
    return 0;
}

void fupin_decode_free(fupin_decode *d)
{
    if (!d)
        return;
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    uchardet_delete(d->ud);
    free(d->buf);
    free(d);
}

const char *fupin_decode_charset(const fupin_decode *d)
{
    return d ? d->charset : "";
}

const char *fupin_decode_how(const fupin_decode *d)
{
    return d ? d->how : "";
}

const char *fupin_decode_errmsg(const fupin_decode *d)
{
    return d ? d->msg : "";
}

/* ---- evidence ---- */

void fupin_decode_utf8_counts(const char *p, size_t n, int cut, size_t *good, size_t *bad)
{
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)p;
    size_t i = 0;

    *good = *bad = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k > 0) {
            ++*good;
            i += (size_t)k;
        } else {
            if (cut && n - i < 4)
                break;   /* a character cut where the window ends */
            ++*bad;
            i++;
        }
    }
}

/* Is it UTF-8?  Few enough invalid sequences for its good characters. */
static int is_utf8(const char *p, size_t n)
{
    size_t good, bad;
    fupin_decode_utf8_counts(p, n, 0, &good, &bad);
    return bad == 0 || bad * UTF8_BAD_PER_GOOD <= good;
}

/* Fewer than one byte in ten is non-ASCII. */
static int mostly_ascii(const char *p, size_t n)
{
    size_t high = 0;

    for (size_t i = 0; i < n; i++)
        high += (unsigned char)p[i] >= 0x80;
    return high * 10 < n;
}

static int has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The iconv name fupin decodes a charset label as; "" for UTF-8 labels
 * (the bytes already failed that test) and labels iconv cannot be asked. */
static const char *canonical(const char *label, char *tmp, size_t cap)
{
    size_t n = 0;

    if (has_prefix_ci(label, "gb") || has_prefix_ci(label, "x-gbk") ||
        !strcasecmp(label, "cp936") || !strcasecmp(label, "ms936") ||
        !strcasecmp(label, "windows-936") || has_prefix_ci(label, "euc-cn") ||
        has_prefix_ci(label, "x-euc-cn") || !strcasecmp(label, "csgb2312") ||
        !strcasecmp(label, "chinese"))
        return "GB18030";
    if (has_prefix_ci(label, "big5") || has_prefix_ci(label, "x-x-big5") ||
        !strcasecmp(label, "cp950") || !strcasecmp(label, "cn-big5") ||
        !strcasecmp(label, "csbig5"))
        return "BIG5-HKSCS";
    if (!strcasecmp(label, "utf-8") || !strcasecmp(label, "utf8") || !strcasecmp(label, "ascii") ||
        !strcasecmp(label, "us-ascii") || !label[0])
        return "";
    for (; label[n] && n + 1 < cap; n++) {
        unsigned char c = (unsigned char)label[n];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':')
            return "";
        tmp[n] = (char)toupper(c);
    }
    tmp[n] = '\0';
    return tmp;
}

static int chinese(const char *name)
{
    return !strcmp(name, "GB18030") || !strcmp(name, "BIG5-HKSCS") || !strcmp(name, "EUC-TW");
}

/* Share of GB2312-range double-byte characters among all multi-byte
 * characters of GB18030 bytes, in percent (0 with none). */
static unsigned gb2312_share(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, all = 0, in = 0;

    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        all++;
        if (i + 1 < n && s[i] >= 0xA1 && s[i] <= 0xF7 && s[i + 1] >= 0xA1 && s[i + 1] <= 0xFE)
            in++;
        i += i + 1 < n && s[i + 1] >= 0x30 && s[i + 1] <= 0x39 ? 4 : 2;
    }
    return all ? (unsigned)(in * 100 / all) : 0;
}

size_t fupin_decode_declared(const char *data, size_t len, char *name, size_t cap)
{
    const char *p = data, *end = data + (len < DECLARE_WINDOW ? len : DECLARE_WINDOW);

    if (cap == 0)
        return 0;
    name[0] = '\0';
    /* "charset=" inside a <meta> tag covers both the HTML5 form and the
     * http-equiv content; "encoding=" inside "<?xml" the XML declaration. */
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p)), *gt, *key;
        size_t klen;
        if (!lt)
            break;
        if ((size_t)(end - lt) >= 5 && !strncasecmp(lt, "<meta", 5)) {
            key = "charset";
        } else if ((size_t)(end - lt) >= 5 && !strncmp(lt, "<?xml", 5)) {
            key = "encoding";
        } else {
            p = lt + 1;
            continue;
        }
        klen = strlen(key);
        gt = memchr(lt, '>', (size_t)(end - lt));
        if (!gt)
            gt = end;
        for (const char *q = lt + 5; q + klen < gt; q++) {
            size_t n = 0;
            if (strncasecmp(q, key, klen) != 0)
                continue;
            q += klen;
            while (q < gt && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
                q++;
            if (q >= gt || *q != '=')
                continue;
            q++;
            while (q < gt && (*q == ' ' || *q == '"' || *q == '\'' || *q == '\t'))
                q++;
            while (q + n < gt && n + 1 < cap &&
                   (isalnum((unsigned char)q[n]) || q[n] == '-' || q[n] == '_' || q[n] == '.' || q[n] == ':')) {
                name[n] = (char)tolower((unsigned char)q[n]);
                n++;
            }
            name[n] = '\0';
            if (n)
                return n;
            break;
        }
        p = gt;
    }
    return 0;
}

/* ---- conversion ---- */

static int reserve(fupin_decode *d, size_t need)
{
    char *nb;

    if (need <= d->cap)
        return 0;
    if (need < 2 * d->cap)
        need = 2 * d->cap;
    if (!(nb = realloc(d->buf, need)))
        return FUPIN_ENOMEM;
    d->buf = nb;
    d->cap = need;
    return 0;
}

/* Converts data with the iconv charset name into d->buf: 0 and the counts,
 * FUPIN_EUNSUPPORTED when iconv does not know the name, FUPIN_ENOMEM. */
static int convert(fupin_decode *d, const char *name, const char *data, size_t len,
                   size_t *out_len, size_t *bad, size_t *chars)
{
    size_t step = !strncmp(name, "UTF-16", 6) ? 2 : 1;
    char *in = (char *)data, *out;
    size_t inleft = len, outleft, used = 0;
    int rc;

    *out_len = *bad = *chars = 0;
    if (d->cd == (iconv_t)-1 || strcmp(d->cd_name, name) != 0) {
        if (d->cd != (iconv_t)-1)
            iconv_close(d->cd);
        d->cd_name[0] = '\0';
        d->cd = iconv_open("UTF-8", name);
        if (d->cd == (iconv_t)-1)
            return errno == ENOMEM ? FUPIN_ENOMEM : FUPIN_EUNSUPPORTED;
        snprintf(d->cd_name, sizeof d->cd_name, "%s", name);
    }
    iconv(d->cd, NULL, NULL, NULL, NULL);
    if ((rc = reserve(d, len + len / 2 + 64)) < 0)
        return rc;
    while (inleft > 0) {
        out = d->buf + used;
        outleft = d->cap - used - 4;   /* room for a U+FFFD and the NUL */
        size_t r = iconv(d->cd, &in, &inleft, &out, &outleft);
        used = (size_t)(out - d->buf);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            if ((rc = reserve(d, d->cap + inleft * 2 + 64)) < 0)
                return rc;
            continue;
        }
        /* EILSEQ: an invalid sequence; EINVAL: one cut off by the end. */
        memcpy(d->buf + used, "\xEF\xBF\xBD", 3);
        used += 3;
        (*bad)++;
        if (errno != EILSEQ)
            break;
        size_t skip = step < inleft ? step : inleft;
        in += skip;
        inleft -= skip;
        iconv(d->cd, NULL, NULL, NULL, NULL);
        if ((rc = reserve(d, used + inleft + inleft / 2 + 64)) < 0)
            return rc;
    }
    d->buf[used] = '\0';
    for (size_t i = 0; i < used; i++)
        *chars += (unsigned char)d->buf[i] >= 0xC0;
    *out_len = used;
    return 0;
}

/* Tries one charset: 1 when it converts cleanly (d->buf holds the text), 0
 * when not (d->msg says why), FUPIN_ENOMEM. */
static int attempt(fupin_decode *d, const char *name, const char *why, const char *data, size_t len,
                   size_t *out_len)
{
    size_t bad, chars;
    int rc = convert(d, name, data, len, out_len, &bad, &chars);

    if (rc == FUPIN_EUNSUPPORTED) {
        if (!d->msg[0])
            snprintf(d->msg, sizeof d->msg, "charset %s (%s) is not known to iconv", name, why);
        return 0;
    }
    if (rc < 0)
        return rc;
    if (bad == 0 || bad * ICONV_BAD_PER_GOOD <= chars) {
        snprintf(d->charset, sizeof d->charset, "%s", name);
        d->how = why;
        return 1;
    }
    if (!d->msg[0])
        snprintf(d->msg, sizeof d->msg,
                 "not cleanly decodable as %s (%s): %zu invalid sequences in %zu characters",
                 name, why, bad, chars);
    return 0;
}

/* Big5 pages in the wild are CP950 as often as HKSCS; either will do. */
static int attempt_big5_too(fupin_decode *d, const char *name, const char *why, const char *data,
                            size_t len, size_t *out_len)
{
    int rc = attempt(d, name, why, data, len, out_len);
    if (rc == 0 && !strcmp(name, "BIG5-HKSCS"))
        rc = attempt(d, "CP950", why, data, len, out_len);
    return rc;
}

int fupin_decode_to_utf8(fupin_decode *d, const char *data, size_t len, unsigned flags,
                         const char **text, size_t *text_len)
{
    const unsigned char *s = (const unsigned char *)data;
    char guess_tmp[32], decl_raw[32], decl_tmp[32];
    const char *guess = "", *decl = "", *bom = NULL;
    size_t out_len = 0;
    int rc = 0;

    *text = NULL;
    *text_len = 0;
    if (!d || (!data && len))
        return FUPIN_EINVAL;
    d->msg[0] = '\0';
    d->charset[0] = '\0';
    d->how = "";
    decl_raw[0] = '\0';
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        /* A UTF-8 BOM is believed when the content agrees (stray bad bytes
         * are the normaliser's to repair); a BOM put in front of GBK bytes
         * by a careless converter is dropped and the rest examined. */
        data += 3;
        len -= 3;
        s += 3;
        if (is_utf8(data, len)) {
            snprintf(d->charset, sizeof d->charset, "UTF-8");
            d->how = "bom";
            *text = data;
            *text_len = len;
            return 0;
        }
    }
    if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        bom = "UTF-16LE";
    else if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        bom = "UTF-16BE";
    if (bom) {
        rc = attempt(d, bom, "bom", data + 2, len - 2, &out_len);
        goto done;
    }
    if (is_utf8(data, len)) {
        snprintf(d->charset, sizeof d->charset, "UTF-8");
        d->how = "content";
        *text = data;
        *text_len = len;
        return 0;
    }

    uchardet_reset(d->ud);
    if (uchardet_handle_data(d->ud, data, len < DETECT_MAX ? len : DETECT_MAX) != 0) {
        rc = FUPIN_ENOMEM;
        goto done;
    }
    uchardet_data_end(d->ud);
    guess = canonical(uchardet_get_charset(d->ud), guess_tmp, sizeof guess_tmp);
    if (flags & FUPIN_DECODE_HTML && fupin_decode_declared(data, len, decl_raw, sizeof decl_raw))
        decl = canonical(decl_raw, decl_tmp, sizeof decl_tmp);

    if (chinese(guess) && (rc = attempt_big5_too(d, guess, "uchardet", data, len, &out_len)) != 0)
        goto done;
    if (chinese(decl) && strcmp(decl, guess) != 0 &&
        (rc = attempt_big5_too(d, decl, "declared", data, len, &out_len)) != 0)
        goto done;
    if (strcmp(guess, "GB18030") != 0 && strcmp(decl, "GB18030") != 0 && gb2312_share(data, len) >= 60) {
        size_t bad, chars;
        if ((rc = convert(d, "GB18030", data, len, &out_len, &bad, &chars)) < 0)
            goto done;
        if (bad == 0) {
            snprintf(d->charset, sizeof d->charset, "GB18030");
            d->how = "gb-check";
            rc = 1;
            goto done;
        }
    }
    /* Any byte string is "clean" Latin-1 or KOI8-R, so a non-Chinese
     * charset needs two witnesses - the declaration and uchardet - or text
     * that is mostly ASCII anyway; otherwise it is GBK gone wrong, and
     * decoding it would index mojibake. */
    if (decl[0] && !chinese(decl) && (!strcmp(decl, guess) || mostly_ascii(data, len)) &&
        (rc = attempt(d, decl, "declared", data, len, &out_len)) != 0)
        goto done;
    if (guess[0] && !chinese(guess) && strcmp(guess, decl) != 0 && mostly_ascii(data, len) &&
        (rc = attempt(d, guess, "uchardet", data, len, &out_len)) != 0)
        goto done;
    if (!d->msg[0] && guess[0])
        snprintf(d->msg, sizeof d->msg, "not UTF-8, and no charset fits (uchardet guesses %s%s%s)",
                 guess, decl[0] ? ", page declares " : "", decl[0] ? decl_raw : "");
    else if (!d->msg[0])
        snprintf(d->msg, sizeof d->msg, "not UTF-8, and the charset cannot be told (uchardet is unsure%s%s)",
                 decl[0] ? ", page declares " : "", decl[0] ? decl_raw : "");
    rc = 0;
done:
    if (rc == 1) {
        d->msg[0] = '\0';
        *text = d->buf;
        *text_len = out_len;
        return 0;
    }
    d->charset[0] = '\0';
    return rc == 0 ? FUPIN_EENCODING : rc;
}

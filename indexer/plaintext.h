/* plaintext.h - plain-text article files to articles.
 *
 * The format (the 红星网 scrape in corpus/ is the model):
 *
 *     标题                                      <- first non-blank line: title
 *
 *     文章来源: 湖南日报  时间: 2019-12-21 10:48   <- optional meta line
 *
 *     湖南日报记者田育才                          <- optional byline lines
 *     通讯员杜龙程赵舶帆
 *
 *     正文第一段……                              <- body paragraphs
 *     正文第二段……
 *
 *     1                                         <- site footer, dropped
 *     主办单位:…  技术支持:…  ICP备案号:…  欢迎您访问…  您是第 位来访者
 *
 * The meta line is the first non-blank line after the title when it starts
 * with a key and a colon (':' or '：'): 来源/文章来源/信息来源… give the
 * source, 时间/发布时间/日期… the date, 作者 a byline line; other keys (浏览,
 * 编辑…) are ignored.  Byline lines are short lines without sentence
 * punctuation, the first containing 记者 or 通讯员, the next ones 记者,
 * 通讯员, 实习生, 摄影, 作者 or 特约; they are kept newline separated.
 * The body is every non-blank line from there up to the footer, each kept
 * byte for byte (only the "\r"s at a line's end are dropped), joined with "\n".
 * The footer is the trailing run of blank lines, lone page numbers and
 * lines starting 主办单位, 承办单位, 技术支持, ICP备案号, 网站标识码, 版权所有,
 * 欢迎您访问/欢迎访问, 您是第…访…, or containing ICP备 or 公网安备.
 *
 * Several articles in one file are separated by a line of five or more '='
 * or a line starting with a form feed (text after the form feed on that line
 * begins the next article); blanks, a "\r" before the line end and a UTF-8
 * BOM at the line's start (files joined with cat) are allowed around them.
 * Each article may carry its own footer; a BOM at the start of a title is
 * white space.  Lines end in "\n" or "\r\n".
 */
#ifndef FUPIN_PLAINTEXT_H
#define FUPIN_PLAINTEXT_H

#include <stddef.h>
#include <stdint.h>
#include "../common/article.h"

typedef struct fupin_plaintext fupin_plaintext;

/* Returns 0 and *out, or FUPIN_ENOMEM. */
int fupin_plaintext_new(fupin_plaintext **out);
void fupin_plaintext_free(fupin_plaintext *p);

/* Forgets the lines collected so far (at the start of a new file). */
void fupin_plaintext_reset(fupin_plaintext *p);

/* Collects one input line (without its "\n") numbered lineno.  Returns 0
 * when the line was collected; 1 when it was a separator, so the lines
 * before it form a complete article: call fupin_plaintext_take() before
 * adding more; or FUPIN_ENOMEM. */
int fupin_plaintext_add_line(fupin_plaintext *p, const char *line, size_t len, uint64_t lineno);

/* Parses the collected lines as one article and starts a new collection.
 * Returns 1 with the article in *a and in *line the number of its title's
 * line; 0 when there was nothing but blank lines; FUPIN_ENOMEM.  The
 * fields point into p and stay valid until the next take, parse or free;
 * there is no id or url (a missing field is ("", 0)). */
int fupin_plaintext_take(fupin_plaintext *p, fupin_article *a, uint64_t *line);

/* Parses text[0..len) (lines ending in "\n" or "\r\n", no separators) as
 * one article, as take does; *line is the 1-based line of the title within
 * text.  Any bytes are accepted. */
int fupin_plaintext_parse(fupin_plaintext *p, const char *text, size_t len,
                          fupin_article *a, uint64_t *line);

#endif

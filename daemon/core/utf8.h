/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - strict UTF-8 (RFC 3629) for the text anprd takes in (hotlist
 * reasons) and sends out (alert JSON, journal fields): hotlist files are
 * refused at the first invalid byte or control character, and alert
 * encoders replace what is not valid UTF-8 with U+FFFD, so a subscriber
 * never receives a line a strict JSON parser drops.
 *
 * Hand-written rather than taken from a library: the alert encoder needs
 * a decoder that replaces (jansson's refuses), and the hotlist loader one
 * that says which byte is wrong; the rules are RFC 3629's table 3.
 */
#ifndef ANPRD_UTF8_H
#define ANPRD_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT	0xFFFDu	/* U+FFFD REPLACEMENT CHARACTER */

/*
 * utf8_decode - the code point that starts at s (n bytes available) into
 * *cp: returns its length, 1..4, or 0 if the bytes there are not valid
 * UTF-8 (a stray continuation byte, a sequence cut short, an overlong
 * form, a surrogate, or above U+10FFFF).
 */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* C0 controls, DEL and the C1 controls (U+0080..U+009F). */
static inline int utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * utf8_text_problem - why s (n bytes) is not acceptable text, or NULL:
 * "not valid UTF-8 (byte 0xA3 at byte 9)" or "control character 0x01 at
 * byte 3" into why; tabs are allowed when allow_tab. *at, if not NULL,
 * gets the offset of the offending byte.
 */
const char *utf8_text_problem(const char *s, size_t n, int allow_tab, size_t *at, char *why,
			      size_t whylen);

/*
 * utf8_sanitize - copy s into out (cap bytes, always NUL-terminated when
 * cap > 0) with every byte that does not begin a valid UTF-8 sequence
 * replaced by U+FFFD (3 bytes); a character that does not fit whole is
 * left out. Returns the length written. 3 * strlen(s) + 1 always fits.
 */
size_t utf8_sanitize(const char *s, char *out, size_t cap);

#endif

/*
 * banned — C library functions planex does not call (after git's banned.h).
 *
 * Each is redefined so that a call fails to compile, naming the function:
 * "sorry_strcpy_is_a_banned_function undeclared". Use instead:
 *   strcpy, strcat, strncpy    px_buf_put*, px_arena_strndup, memcpy with a known length
 *   sprintf, vsprintf          px_buf_printf, snprintf, vsnprintf
 *   strtok                     strcspn/strspn over a struct px_str (no hidden state)
 *   gets                       nothing: it cannot be used safely (gone from C11)
 *   localtime                  gmtime_r (the store writes UTC)
 *
 * Include it last, after every system and library header, in each .c file:
 * a system header that declares one of these names must come before it.
 * Includes nothing; no header includes it.
 */
#ifndef PX_BANNED_H
#define PX_BANNED_H

#define PX_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) PX_BANNED(strcpy)
#undef strcat
#define strcat(x, y) PX_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) PX_BANNED(strncpy)
#undef sprintf
#define sprintf(...) PX_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) PX_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) PX_BANNED(strtok)
#undef gets
#define gets(x) PX_BANNED(gets)
#undef localtime
#define localtime(t) PX_BANNED(localtime)

#endif

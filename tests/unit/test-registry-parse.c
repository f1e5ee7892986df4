// SPDX-License-Identifier: Apache-2.0
/* The registry client's pure parsing: WWW-Authenticate challenges, URL
 * resolution and origins (which decide where credentials may go), error
 * bodies, and the Basic header. No network. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "image/http.h"
#include "image/token.h"

START_TEST(bearer_challenge)
{
	struct auth_challenge ch[4];
	size_t n = 0;

	ck_assert_int_eq(auth_challenges_parse(
		"Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		"scope=\"repository:samalba/my-app:pull,push\"", ch, 4, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ch[0].scheme, "Bearer");
	ck_assert_str_eq(ch[0].realm, "https://auth.docker.io/token");
	ck_assert_str_eq(ch[0].service, "registry.docker.io");
	ck_assert_str_eq(ch[0].scope, "repository:samalba/my-app:pull,push");
	ck_assert_ptr_null(ch[0].error);
	auth_challenge_clear(&ch[0]);
}
END_TEST

START_TEST(several_challenges_and_odd_spacing)
{
	struct auth_challenge ch[4];
	size_t n = 0;

	ck_assert_int_eq(auth_challenges_parse(
		"Basic realm=\"Registry Realm\" , bearer  realm = \"https://a/t?x=1\", "
		"error=insufficient_scope, Service=\"s \\\"q\\\"\"", ch, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ch[0].scheme, "Basic");
	ck_assert_str_eq(ch[0].realm, "Registry Realm");
	ck_assert_str_eq(ch[1].scheme, "bearer");
	ck_assert_str_eq(ch[1].realm, "https://a/t?x=1");
	ck_assert_str_eq(ch[1].error, "insufficient_scope");
	ck_assert_str_eq(ch[1].service, "s \"q\"");
	auth_challenge_clear(&ch[0]);
	auth_challenge_clear(&ch[1]);
}
END_TEST

START_TEST(malformed_challenges)
{
	struct auth_challenge ch[2];
	size_t n = 0;

	ck_assert_int_eq(auth_challenges_parse("realm=\"x\"", ch, 2, &n), -EINVAL);
	ck_assert_int_eq(auth_challenges_parse("Bearer realm=\"unterminated", ch, 2, &n), -EINVAL);
	ck_assert_int_eq(auth_challenges_parse("Bearer realm=", ch, 2, &n), -EINVAL);
	ck_assert_int_eq(auth_challenges_parse("Bearer realm=\"a\" junk", ch, 2, &n), -EINVAL);
	/* More challenges than room: the first ones are kept. */
	ck_assert_int_eq(auth_challenges_parse("A, B, C", ch, 2, &n), 0);
	ck_assert_uint_eq(n, 2);
	auth_challenge_clear(&ch[0]);
	auth_challenge_clear(&ch[1]);
	ck_assert_int_eq(auth_challenges_parse("", ch, 2, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(urls_and_origins)
{
	char *u;

	u = http_url_resolve("https://r.example:5000/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/123?_state=x");
	ck_assert_str_eq(u, "https://r.example:5000/v2/a/blobs/uploads/123?_state=x");
	free(u);
	u = http_url_resolve("https://r.example/v2/a/blobs/x", "https://cdn.example/blob?sig=1");
	ck_assert_str_eq(u, "https://cdn.example/blob?sig=1");
	free(u);
	u = http_url_resolve("https://r.example/v2/a/b", "c");
	ck_assert_str_eq(u, "https://r.example/v2/a/c");
	free(u);

	ck_assert(http_same_origin("https://r.example/v2/x", "https://R.EXAMPLE:443/other"));
	ck_assert(!http_same_origin("https://r.example/v2/x", "http://r.example/v2/x"));
	ck_assert(!http_same_origin("https://r.example/v2/x", "https://r.example:5000/v2/x"));
	ck_assert(!http_same_origin("http://127.0.0.1:5000/", "http://127.0.0.2:5000/"));
	ck_assert(!http_same_origin("https://r.example/", "not a url"));

	u = http_url_authority("https://r.example:5000/v2/");
	ck_assert_str_eq(u, "r.example:5000");
	free(u);
	u = http_url_authority("https://r.example/v2/");
	ck_assert_str_eq(u, "r.example");
	free(u);
	ck_assert(http_url_is_https("HTTPS://x"));
	ck_assert(!http_url_is_https("http://x"));
}
END_TEST

static char *error_text(const char *body)
{
	struct http_response r = { .body = (char *)body, .body_len = strlen(body) };

	return http_error_text(&r);
}

START_TEST(registry_error_bodies)
{
	char *t;

	t = error_text("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}},"
		       "{\"code\":\"DENIED\",\"message\":\"no\"}]}");
	ck_assert_str_eq(t, "MANIFEST_UNKNOWN: manifest unknown; DENIED: no");
	free(t);
	t = error_text("404 page not found\nmore");
	ck_assert_str_eq(t, "404 page not found");
	free(t);
	ck_assert_ptr_null(error_text("\x01\x02binary"));
	ck_assert_ptr_null(error_text("{\"errors\":[{}]}"));
	ck_assert_ptr_null(error_text(""));
}
END_TEST

START_TEST(basic_header)
{
	char *h = http_basic_auth("Aladdin", "open sesame");

	ck_assert_str_eq(h, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	free(h);
	h = http_basic_auth("u", NULL);
	ck_assert_str_eq(h, "Basic dTo=");
	free(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("registry-parse");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, bearer_challenge);
	tcase_add_test(tc, several_challenges_and_odd_spacing);
	tcase_add_test(tc, malformed_challenges);
	tcase_add_test(tc, urls_and_origins);
	tcase_add_test(tc, registry_error_bodies);
	tcase_add_test(tc, basic_header);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

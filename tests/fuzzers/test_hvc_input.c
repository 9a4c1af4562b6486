// SPDX-License-Identifier: MIT
/*
 * fuzz_hvc's input (docs/fuzz_hvc.md): scripts encode to records that
 * decode to exactly the registers they name, any input prints as a script
 * that encodes back to the same registers, near-miss ids are never calls,
 * and bad scripts say why.
 */
#include "hvc_input.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

static const char lifecycle[] = "machine preset=virt regions=1 vm_slots=4 va_align=2m\n"
				"# registers by name, page helpers and raw values\n"
				"hvc x0=vm_create x1=0 x2=40 x3=mem:4096\n"
				"hvc x0=0xc6000009 x1=1 x2=carve:-3 x3=0x11 x4=6\n"
				"  hvc x0=0x1c6000008 x1=-1 x4=0xdeadbeefdeadbeef  # a near miss\n"
				"abort addr=0x40000008\n"
				"hvc x0=0xc600ffff\n";

static void decode(const uint8_t *in, size_t off, struct fz_hvc *c)
{
	struct fz_machine m;

	fz_decode_machine(in, &m);
	fz_hvc_decode(&m, in + off, c);
}

static void script_encodes_the_registers_it_names(void **state)
{
	uint8_t in[1024];
	char err[128] = "x", text[4096];
	struct fz_machine m;
	struct fz_hvc c;
	size_t n = fz_hvc_script_to_input(lifecycle, in, sizeof(in), err, sizeof(err));

	assert_string_equal(err, "");
	assert_int_equal(n, 16 + 5 * FZ_HVC_RECORD_SIZE);
	fz_decode_machine(in, &m);
	decode(in, 16, &c);
	assert_int_equal(c.kind, FZ_HVC_CALL);
	assert_int_equal(c.x[0], 0xc6000006);
	assert_int_equal(c.x[1], 0);
	assert_int_equal(c.x[2], 40);
	assert_int_equal(c.x[3], 0x40000 + 4096);
	assert_int_equal(c.x[4], 0);
	decode(in, 56, &c);
	assert_int_equal(c.x[2], (m.carve_base >> 12) - 3);
	assert_int_equal(c.x[4], 6);
	decode(in, 96, &c);
	assert_int_equal(c.x[0], 0x1c6000008ULL);
	assert_int_equal(c.x[1], ~0ULL);
	assert_int_equal(c.x[4], 0xdeadbeefdeadbeefULL);
	assert_null(fz_hvc_name(c.x[0]));
	decode(in, 136, &c);
	assert_int_equal(c.kind, FZ_HVC_ABORT);
	assert_int_equal(c.x[1], 0x40000008);
	decode(in, 176, &c);
	assert_int_equal(c.x[0], 0xc600ffff);
	fz_hvc_input_to_script(in, n, text, sizeof(text));
	assert_non_null(strstr(text, "machine preset=virt"));
	assert_non_null(strstr(text, "hvc x0=0xc6000009 x1=0x1 x2=0x5fffd x3=0x11 x4=0x6 "
				     "# host_share_guest\n"));
	assert_non_null(strstr(text, "abort addr=0x40000008\n"));
}

static void any_input_round_trips_through_its_script(void **state)
{
	static char t1[1 << 16], t2[1 << 16];
	uint8_t in[16 + 48 * FZ_HVC_RECORD_SIZE], again[sizeof(in)];
	char err[128];
	uint32_t seed = 7;

	for (unsigned iter = 0; iter < 2000; iter++) {
		size_t nrec = iter % 48, len = 16 + nrec * FZ_HVC_RECORD_SIZE + iter % 5, n;

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245U + 12345U;
			in[i] = (uint8_t)(seed >> 16);
		}
		fz_hvc_input_to_script(in, len, t1, sizeof(t1));
		n = fz_hvc_script_to_input(t1, again, sizeof(again), err, sizeof(err));
		if (!n)
			fail_msg("script did not encode: %s\n%s", err, t1);
		assert_int_equal(n, 16 + nrec * FZ_HVC_RECORD_SIZE);
		fz_hvc_input_to_script(again, n, t2, sizeof(t2));
		assert_string_equal(t1, t2);
		for (size_t off = 16; off < n; off += FZ_HVC_RECORD_SIZE) {
			struct fz_hvc a, b;

			decode(in, off, &a);
			decode(again, off, &b);
			assert_memory_equal(&a, &b, sizeof(a));
		}
	}
}

/*
 * Selectors 0xc0-0xef are near misses: only the "id ^ noise" kind may hit a
 * call, and the ones that set bit 16, the SVE hint, which the ABI ignores
 * (kind 9 always, kind 10 when its bit is 16): those are the call itself.
 */
static void near_misses_are_not_calls(void **state)
{
	uint8_t in[16 + FZ_HVC_RECORD_SIZE] = { 0 };
	unsigned valid = 0, hinted = 0;

	for (unsigned sel = 0; sel < 0xf0; sel++) {
		for (unsigned noise = 0; noise < 64; noise++) {
			unsigned kind = (sel - 0xc0) % 16;
			struct fz_hvc c;

			in[16] = (uint8_t)sel;
			in[16 + 3] = (uint8_t)(noise * 37);
			in[16 + 7] = (uint8_t)noise;
			decode(in, 16, &c);
			if (sel < 0xc0) {
				assert_non_null(fz_hvc_name(c.x[0]));
			} else if (kind == 9 || (kind == 10 && (c.x[0] & FZ_HVC_SVE_HINT))) {
				assert_int_equal(c.x[0],
						 (FZ_HVC_ID_BASE + sel % 14) | FZ_HVC_SVE_HINT);
				assert_string_equal(fz_hvc_name(c.x[0]),
						    fz_hvc_name(FZ_HVC_ID_BASE + sel % 14));
				hinted++;
			} else if (kind != 15) {
				if (fz_hvc_name(c.x[0]))
					fail_msg("selector %#x noise %u: %#llx is a call", sel,
						 noise, (unsigned long long)c.x[0]);
			} else {
				valid += fz_hvc_name(c.x[0]) != NULL;
			}
		}
	}
	assert_true(valid < 3 * 64); /* "id ^ noise" hits a call only for small noise */
	assert_true(hinted >= 3 * 64);
}

static void bad_scripts_say_what_is_wrong(void **state)
{
	static const struct {
		const char *script, *msg;
	} cases[] = {
		{ "", "starts with a machine line" },
		{ "hvc x0=0\n", "starts with a machine line" },
		{ "machine preset=mars\n", "bad machine field preset=mars" },
		{ "\n# c\nmachine preset=mars\n", "line 3: bad machine field" },
		{ "machine preset=virt\nfly x0=1\n", "line 2: unknown operation 'fly'" },
		{ "machine preset=virt\nhvc x5=1\n", "unknown field 'x5'" },
		{ "machine preset=virt\nhvc addr=1\n", "unknown field 'addr'" },
		{ "machine preset=virt\nabort x1=1\n", "unknown field 'x1'" },
		{ "machine preset=virt\nabort\n", "abort needs addr=" },
		{ "machine preset=virt\nhvc x1\n", "expected key=value" },
		{ "machine preset=virt\nhvc x1=1 x1=2\n", "x1 given twice" },
		{ "machine preset=virt\nhvc x0=fly\n", "bad value 'fly' for x0" },
		{ "machine preset=virt\nhvc x1=banana\n", "bad value 'banana' for x1" },
		{ "machine preset=virt\nhvc x1=mem:99999999\n", "fewer memory pages" },
		{ "machine preset=virt\nhvc x1=mem:x\n", "bad memory page index" },
		{ "machine preset=virt\nhvc x0=0x123456789abcdef0\n", "cannot be expressed" },
	};
	uint8_t in[256];
	char err[256];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
			fz_hvc_script_to_input(cases[i].script, in, sizeof(in), err, sizeof(err)),
			0);
		if (!strstr(err, cases[i].msg))
			fail_msg("'%s': got '%s', want '%s'", cases[i].script, err, cases[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_encodes_the_registers_it_names),
		cmocka_unit_test(any_input_round_trips_through_its_script),
		cmocka_unit_test(near_misses_are_not_calls),
		cmocka_unit_test(bad_scripts_say_what_is_wrong),
	};

	return cmocka_run_group_tests_name("hvc_input", tests, NULL, NULL);
}

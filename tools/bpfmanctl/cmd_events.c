/* SPDX-License-Identifier: Apache-2.0 */
/* bpfmanctl events: the library's change feed (bpfman/event.h), read after
 * a cursor, or followed as it grows. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "args.h"
#include "output.h"

enum { KEY_AFTER = OPT_LONG(1), KEY_FOLLOW = 'f' };

static const struct opt events_opts[] = {
	OPT("after", KEY_AFTER, OPT_ARG_ONE, "SEQ",
	    "Only events after this seq (the last one seen) [default 0: every event kept]."),
	OPT("follow", KEY_FOLLOW, OPT_ARG_NONE, NULL,
	    "Keep printing events as they happen, until interrupted; json prints one object a line."),
	OPT_OUTPUT_ENTRY('o'),
	OPT_HELP_ENTRY,
	OPT_END,
};

static const struct cmd_spec events_spec = {
	.name = "events",
	.usage = "[--after SEQ] [-f] [-o FORMAT]",
	.summary =
		"Print the change feed: every load, attach, detach, unload, update,\n"
		"repair and restore recorded on this state, by any process, in order,\n"
		"with its seq. A warning on stderr says when events after --after were\n"
		"pruned (events.keep in the config file) and the state must be re-read.",
	.opts = events_opts,
	.examples = "bpfmanctl events\nbpfmanctl events --after 41 -f -o json",
};

struct events_cfg {
	uint64_t after;
	bool follow;
};

static int events_opt(void *data, int key, const char *arg)
{
	struct events_cfg *cfg = data;

	switch (key) {
	case KEY_AFTER:
		return args_uint(&cfg->after, arg, "--after seq", 0, INT64_MAX, false);
	case KEY_FOLLOW:
		cfg->follow = true;
		return 0;
	default:
		return usage_err("unexpected argument '%s'", arg);
	}
}

static const char *kind_name(enum bpfman_event_kind k)
{
	static const char *const names[] = { "?", "loaded", "attached", "detached", "unloaded",
					     "repaired", "restored", "updated" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static json_t *model_event(const struct bpfman_events *ev, size_t i)
{
	uint64_t ns = bpfman_events__time_ns(ev, i);
	time_t sec = (time_t)(ns / 1000000000u);
	char when[40];
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&sec, &tm));
	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s}",
			 "seq", (json_int_t)bpfman_events__seq(ev, i),
			 "time", when,
			 "kind", kind_name(bpfman_events__kind(ev, i)),
			 "program_id", (json_int_t)bpfman_events__program_id(ev, i),
			 "link_id", (json_int_t)bpfman_events__link_id(ev, i),
			 "old_program_id", (json_int_t)bpfman_events__old_program_id(ev, i),
			 "message", bpfman_events__message(ev, i));
}

/* One batch; *cursor advances. The table and --follow print as they go;
 * json and yaml without --follow collect into `all`, printed once. */
static size_t print_batch(const struct ctl_global *g, const struct bpfman_events *ev,
			  uint64_t *cursor, bool follow, bool *header, json_t *all)
{
	size_t n = bpfman_events__cnt(ev);

	for (size_t i = 0; i < n; i++) {
		json_t *e = model_event(ev, i);

		*cursor = bpfman_events__seq(ev, i);
		if (g->output == CTL_OUTPUT_TABLE) {
			if (!*header) {
				printf("%-6s %-20s %-9s %s\n", "Seq", "Time", "Kind", "Event");
				*header = true;
			}
			printf("%-6" PRIu64 " %-20s %-9s %s\n", bpfman_events__seq(ev, i),
			       json_string_value(json_object_get(e, "time")),
			       json_string_value(json_object_get(e, "kind")),
			       bpfman_events__message(ev, i));
			json_decref(e);
		} else if (follow && g->output == CTL_OUTPUT_JSON) {
			/* JSON lines: one object a line, as they come. */
			json_dumpf(e, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(e);
		} else if (follow) {
			/* One-item YAML lists concatenate into one list. */
			json_t *one = json_pack("[o]", e);

			yaml_write(stdout, one);
			json_decref(one);
		} else {
			json_array_append_new(all, e);
		}
	}
	fflush(stdout);
	return n;
}

int cmd_events(int argc, char **argv, struct ctl_global *g)
{
	struct events_cfg cfg = { 0 };
	json_t *all = NULL;
	struct bpfman_ctx *ctx;
	bool header = false, warned = false;
	int ret = opts_parse(&events_spec, argc, argv, g, events_opt, &cfg, NULL);
	int fd = -1;

	if (ret)
		return ret;
	ret = ctl_open(&ctx, g);
	if (ret)
		return ret;
	all = json_array();
	/* The descriptor before the first read: nothing committed in between
	 * is missed. */
	if (cfg.follow && (ret = bpfman_events_fd(&fd, ctx))) {
		ret = ctl_fail(ctx, ret);
		goto out;
	}
	for (;;) {
		struct bpfman_events *ev = NULL;
		size_t n;

		if ((ret = bpfman_events__read(&ev, ctx, cfg.after, 0))) {
			ret = ctl_fail(ctx, ret);
			break;
		}
		if (bpfman_events__gap(ev) && !warned) {
			uint64_t last = bpfman_events__last_seq(ev);

			if (cfg.after > last)
				fprintf(stderr,
					"bpfmanctl: warning: seq %" PRIu64 " is beyond the newest event (%" PRIu64 "): the state database was replaced, or the seq is another's; re-read the state with 'bpfmanctl list'\n",
					cfg.after, last);
			else
				fprintf(stderr,
					"bpfmanctl: warning: some events after seq %" PRIu64 " are no longer kept (events.keep in the config file); re-read the state with 'bpfmanctl list'\n",
					cfg.after);
			warned = true;
			if (cfg.after > last)
				cfg.after = last;
		}
		n = print_batch(g, ev, &cfg.after, cfg.follow, &header, all);
		bpfman_events__free(ev);
		if (n)
			continue; /* perhaps more than one batch */
		if (!cfg.follow)
			break;
		{
			struct pollfd p = { .fd = fd, .events = POLLIN };
			char buf[4096];

			if (poll(&p, 1, -1) < 0 && errno != EINTR) {
				perror("bpfmanctl: poll");
				ret = CTL_EXIT_FAILED;
				break;
			}
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		}
	}
	if (!ret && !cfg.follow && g->output == CTL_OUTPUT_JSON) {
		json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (!ret && !cfg.follow && g->output == CTL_OUTPUT_YAML) {
		yaml_write(stdout, all);
	} else if (!ret && !cfg.follow && !header) {
		printf("No events after %" PRIu64 ".\n", cfg.after);
	}
out:
	json_decref(all);
	if (fd >= 0)
		close(fd);
	bpfman_ctx_free(ctx);
	return ret;
}

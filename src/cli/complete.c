/* complete.c: `cachepong completion bash|zsh`, the shell completion script,
 * written from the command table (command.h), the options (options.def)
 * and the tables that check each option's values, so it cannot disagree
 * with what the commands accept.  The build writes it once
 * (build/completion/cachepong); the package installs it where
 * bash-completion looks.
 *
 * What follows an option, per command: its values (from the experiment's
 * own tables first, struct experiment's values, then the tables shared by
 * every command), files or directories (its METAVAR says FILE or DIR), or
 * nothing: CPU lists, numbers and names are the user's own.  The command
 * table comes as an argument (commands.c's cmd_completion), so this file
 * only looks down. */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "counters.h"
#include "experiment.h"
#include "agents.h"
#include "opts.h"
#include "parse.h"
#include "result.h"
#include "schema.h"
#include "shm.h"
#include "suite.h"
#include "timer.h"
#include "version.h"

#define VALUES_MAX 512

/* The placement classes (topology/classes.def). */
static const char *class_names(void)
{
	return ""
#define CLASS(id, name, what) name "|"
#include "classes.def"
#undef CLASS
		;
}

/* The values an option of command c allows, '|'-separated, or NULL. */
static const char *option_values(const struct command *c, enum opt_id id, char *buf, size_t len)
{
	const char *v;

	if (c->exp && c->exp->values && (v = c->exp->values(id, buf, len)))
		return v;
	switch (id) {
	case OPT_shm: return shm_kind_names();
	case OPT_pages: return shm_page_names();
	case OPT_timer: return TIMER_NAMES;
	case OPT_counters: return CTR_BACKEND_NAMES;
	case OPT_preset: return preset_names();
	case OPT_placement: return class_names();
	case OPT_mem_node: return "a|b|other";
	case OPT_parallel: return "auto";
	case OPT_format:
		return !strcmp(c->name, "topo") ? TOPO_FORMAT_NAMES
		     : !strcmp(c->name, "export") ? EXPORT_FORMAT_NAMES : CP_FORMAT_NAMES;
	case OPT_mode:
		snprintf(buf, len, "%s%s", AGENT_MODE_NAMES,
			 c->exp && c->exp->arms != EXP_ARMS_NONE ? "|" AGENT_MODE_PAIR_NAMES : "");
		return buf;
	default: return NULL;
	}
}

/* '|' -> ' ', a trailing one dropped, printed */
static void print_words(const char *names)
{
	for (const char *p = names; *p; p++)
		if (*p != '|' || p[1])
			putchar(*p == '|' ? ' ' : *p);
}

/* What follows option id of command c: "v VALUES", "d", "f", "x" (either)
 * or "-" (the user's own); nothing for a flag. */
static void print_arg(const struct command *c, enum opt_id id)
{
	const struct opt_desc *d = opt_desc(id);
	char buf[VALUES_MAX];
	const char *v = option_values(c, id, buf, sizeof(buf));

	if (d->type == OPT_T_FLAG)
		return;
	printf("\t\"%s --%s\") echo ", c->name, d->name);
	if (v) {
		printf("\"v ");
		print_words(v);
		printf("\"");
	} else if (!strcmp(d->meta, "FILE")) {
		printf("f");
	} else if (!strcmp(d->meta, "DIR")) {
		printf("d");
	} else if (strstr(d->meta, "DIR") && strstr(d->meta, "FILE")) {
		printf("x");
	} else {
		printf("-");
	}
	printf(" ;;\n");
}

static void print_tables(const struct command *(*at)(size_t), size_t n)
{
	printf("_cachepong_opts() {  # the options of command $1\n\tcase $1 in\n");
	for (size_t i = 0; i < n; i++) {
		const struct command *c = at(i);

		printf("\t%s) echo \"", c->name);
		for (int id = 0; id < OPT_COUNT; id++)
			if (c->options & (1ULL << id))
				printf("--%s ", opt_desc((enum opt_id)id)->name);
		printf("--help\" ;;\n");
	}
	printf("\tesac\n}\n\n");
	printf("_cachepong_arg() {  # what follows option $2 of command $1: v VALUES, d, f, x (either), - (yours)\n"
	       "\tcase \"$1 $2\" in\n");
	for (size_t i = 0; i < n; i++)
		for (int id = 0; id < OPT_COUNT; id++)
			if (at(i)->options & (1ULL << id))
				print_arg(at(i), (enum opt_id)id);
	printf("\tesac\n}\n\n");
	printf("_cachepong_words() {  # the words after command $1 that are not options\n\tcase $1 in\n");
	for (size_t i = 0; i < n; i++) {
		const struct command *c = at(i);

		if (!c->words[0])
			continue;
		printf("\t%s) echo ", c->name);
		if (strstr(c->words, "DIR")) {
			printf("d");
		} else {
			printf("\"v ");
			print_words(c->words);
			printf("\"");
		}
		printf(" ;;\n");
	}
	printf("\tesac\n}\n\n");
}

/* The part that reads the tables: the same for every build. */
static const char completion_body[] =
	"_cachepong_fill() {  # KIND VALUES...: COMPREPLY for $cur (a ','-list completes its last item)\n"
	"\tlocal kind=$1 pre=$optpre last=$cur\n"
	"\tshift\n"
	"\tcase $kind in\n"
	"\tv)\n"
	"\t\tcase $cur in *,*) pre=$pre${cur%,*},; last=${cur##*,} ;; esac\n"
	"\t\tCOMPREPLY=($(compgen -P \"$pre\" -W \"$*\" -- \"$last\")) ;;\n"
	"\td) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -P \"$pre\" -d -- \"$cur\")) ;;\n"
	"\tf|x) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -P \"$pre\" -f -- \"$cur\")) ;;\n"
	"\tesac\n"
	"}\n\n"
	"_cachepong() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" cmd=${COMP_WORDS[1]} opt=\"\" optpre=\"\" arg\n"
	"\tCOMPREPLY=()\n"
	"\tif [ \"$COMP_CWORD\" -le 1 ]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$_cachepong_commands --help --version\" -- \"$cur\"))\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tprev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\t# --opt=value: bash may split the word at '=' (COMP_WORDBREAKS)\n"
	"\tif [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -ge 3 ]; then\n"
	"\t\topt=${COMP_WORDS[COMP_CWORD-2]}\n"
	"\telif [ \"$cur\" = \"=\" ]; then\n"
	"\t\topt=$prev\n"
	"\t\tcur=\"\"\n"
	"\telif [[ $cur == --*=* ]]; then\n"
	"\t\topt=${cur%%=*}\n"
	"\t\toptpre=$opt=\n"
	"\t\tcur=${cur#*=}\n"
	"\telif [[ $prev == --* ]]; then\n"
	"\t\topt=$prev\n"
	"\tfi\n"
	"\tif [ -n \"$opt\" ]; then\n"
	"\t\targ=$(_cachepong_arg \"$cmd\" \"$opt\")\n"
	"\t\tif [ -n \"$arg\" ]; then\n"
	"\t\t\t# shellcheck disable=SC2086  # the kind, then the values\n"
	"\t\t\t_cachepong_fill $arg\n"
	"\t\t\treturn 0\n"
	"\t\tfi\n"
	"\tfi\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_cachepong_opts \"$cmd\")\" -- \"$cur\"))\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\targ=$(_cachepong_words \"$cmd\")\n"
	"\t# shellcheck disable=SC2086\n"
	"\t[ -n \"$arg\" ] && _cachepong_fill $arg\n"
	"\treturn 0\n"
	"}\n\n"
	"complete -F _cachepong cachepong\n";

int complete_main(struct opts *o, const struct command *(*at)(size_t), size_t n)
{
	const char *shell = o->argc == 1 ? o->argv[0] : "";
	struct cp_err e = { 0 };

	if (o->argc != 1)
		cp_die(CP_EUSAGE, "completion: give one shell (cachepong completion bash|zsh), got %d arguments",
		       o->argc);
	if (parse_choice(shell, "bash|zsh", "completion", &e) < 0)
		cp_die(CP_EUSAGE, "completion: unknown shell '%s': allowed: bash|zsh", shell);
	if (!strcmp(shell, "zsh"))
		printf("#compdef cachepong\n# zsh: the bash completion below, through zsh's bashcompinit\n"
		       "autoload -U +X bashcompinit && bashcompinit\n\n");
	printf("# %s completion for cachepong(1) %s (results schema %d), written by\n"
	       "# `cachepong completion %s` from its command and option tables: do not edit.\n\n",
	       shell, CP_VERSION, CP_SCHEMA_VERSION, shell);
	printf("_cachepong_commands=\"");
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", at(i)->name);
	printf("\"\n\n");
	print_tables(at, n);
	fputs(completion_body, stdout);
	return fflush(stdout) ? CP_ERUN : CP_OK;
}

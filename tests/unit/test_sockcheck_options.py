"""scripts/sockcheck/options.py: the command line as an Options object,
and its mistakes, each one line that names the option."""

import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from sockcheck import options  # noqa: E402 (after the path is set)
from sockcheck.common import KINDS, Usage  # noqa: E402
from sockcheck.options import Options, parse, validate  # noqa: E402


class Parse(unittest.TestCase):

    def test_defaults(self):
        opts = parse([])
        self.assertEqual(opts, Options())
        self.assertEqual((opts.kind, opts.command, opts.port, opts.format,
                          opts.only, opts.wait, opts.strace, opts.batch,
                          opts.csv, opts.show_list, opts.show_help),
                         (None, None, None, "text", None, 10, False, None,
                          None, False, False))

    def test_every_option(self):
        opts = parse(["--port", "8080", "--format", "json", "--only",
                      "one-line,,reset", "--wait", "30", "--strace",
                      "--batch", "subs", "--csv", "out.csv", "--list", "-h",
                      "echo-server", "--", "./srv", "{port}"])
        self.assertEqual(opts, Options(
            kind="echo-server", command=["./srv", "{port}"], port=8080,
            format="json", only=["one-line", "reset"], wait=30, strace=True,
            batch="subs", csv="out.csv", show_list=True, show_help=True))

    def test_option_equals_value(self):
        opts = parse(["--port=9", "--format=tap", "--only=a", "--wait=600"])
        self.assertEqual((opts.port, opts.format, opts.only, opts.wait),
                         (9, "tap", ["a"], 600))

    def test_every_format(self):
        for fmt in ("text", "json", "tap", "gradescope", "junit"):
            self.assertEqual(parse(["--format", fmt]).format, fmt)

    def test_help_long_and_short(self):
        self.assertTrue(parse(["--help"]).show_help)
        self.assertTrue(parse(["-h"]).show_help)

    def test_everything_after_the_double_dash_is_the_command(self):
        opts = parse(["udp-sender", "--", "./send", "--port", "{port}", "--"])
        self.assertEqual(opts.command, ["./send", "--port", "{port}", "--"])
        self.assertIsNone(opts.port)

    def test_a_double_dash_with_nothing_after_it(self):
        self.assertEqual(parse(["echo-server", "--"]).command, [])

    def test_the_last_value_wins(self):
        self.assertEqual(parse(["--port", "1", "--port", "2"]).port, 2)

    def test_every_kind_is_taken(self):
        for kind in KINDS:
            self.assertEqual(parse([kind]).kind, kind)

    def test_port_and_wait_ranges(self):
        self.assertEqual(parse(["--port", "65535"]).port, 65535)
        self.assertEqual(parse(["--port", "00080"]).port, 80)
        self.assertEqual(parse(["--wait", "1"]).wait, 1)


class ParseErrors(unittest.TestCase):
    """Each mistake: Usage, with a message that starts with its name."""

    CASES = [
        (["--format", "xml"], "--format: expected text, json, tap, "
         "gradescope or junit, got 'xml'"),
        (["--format=xml"], "--format: expected text, json, tap, gradescope "
         "or junit, got 'xml'"),
        (["--port", "0"], "--port: expected a port number 1..65535, got '0'"),
        (["--port", "65536"],
         "--port: expected a port number 1..65535, got '65536'"),
        (["--port", "123456"],
         "--port: expected a port number 1..65535, got '123456'"),
        (["--port", "-1"], "--port: expected a port number 1..65535, got '-1'"),
        (["--port", " 80"],
         "--port: expected a port number 1..65535, got ' 80'"),
        (["--port"], "--port: expected a value after it"),
        (["echo-server", "--csv"], "--csv: expected a value after it"),
        (["--wait", "x"], "--wait: expected seconds 1..600, got 'x'"),
        (["--wait", "0"], "--wait: expected seconds 1..600, got '0'"),
        (["--wait", "601"], "--wait: expected seconds 1..600, got '601'"),
        (["--wait", "1.5"], "--wait: expected seconds 1..600, got '1.5'"),
        (["--only", ","], "--only: expected check names, got ','"),
        (["--only="], "--only: expected check names, got ''"),
        (["--bogus"], "--bogus: no such option (see --help)"),
        (["-x"], "-x: no such option (see --help)"),
        (["--strace=yes"], "--strace: takes no value, got 'yes'"),
        # no abbreviations: --form is no --format, and json no KIND
        (["--form", "json"], "--form: no such option (see --help)"),
        (["frob"], "KIND: expected echo-server, echo-client, udp-receiver or "
                   "udp-sender, got 'frob'"),
        (["echo-server", "./srv"],
         "'./srv': the command goes after -- (see --help)"),
    ]

    def test_each_mistake(self):
        for args, message in self.CASES:
            with self.subTest(args=args):
                with self.assertRaises(Usage) as cm:
                    parse(args)
                self.assertEqual(str(cm.exception), message)
                self.assertNotIn("\n", str(cm.exception))

    def test_options_after_the_kind(self):
        opts = parse(["--port", "7", "echo-server", "--only", "reset",
                      "--wait", "3"])
        self.assertEqual((opts.kind, opts.port, opts.only, opts.wait),
                         ("echo-server", 7, ["reset"], 3))


class Validate(unittest.TestCase):
    """What needs KIND and COMMAND together."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockcheck-test.")
        self.addCleanup(os.rmdir, self.dir)

    def error(self, args, cwd=None):
        with self.assertRaises(Usage) as cm:
            validate(parse(args), cwd or self.dir)
        return str(cm.exception)

    def test_a_good_command_line(self):
        validate(parse(["--only", "half-close,reset", "echo-server", "--",
                        "true", "{port}"]), self.dir)
        validate(parse(["--port", "8888", "udp-sender", "--", "true"]),
                 self.dir)

    def test_no_kind(self):
        self.assertEqual(self.error([]),
                         "KIND: missing: echo-server, echo-client, "
                         "udp-receiver or udp-sender (see --help)")

    def test_no_command(self):
        self.assertEqual(self.error(["echo-server"]),
                         "no command after -- (see --help)")
        self.assertEqual(self.error(["echo-server", "--"]),
                         "no command after -- (see --help)")

    def test_only_names_a_check_of_another_kind(self):
        self.assertEqual(self.error(["--only", "one-line,truncated",
                                     "echo-server", "--", "true", "{port}"]),
                         "--only: no check 'truncated' for echo-server "
                         "(see --list)")

    def test_source_files_given_one_by_one(self):
        # a header holds functions too, in some course programs
        opts = parse(["--source", "a.c", "--source=b.py", "--source",
                      "c.h", "--only", "source", "echo-server", "--",
                      "true", "{port}"])
        self.assertEqual(opts.source, ["a.c", "b.py", "c.h"])
        for name in ("a.c", "b.py", "c.h"):
            open(os.path.join(self.dir, name), "w").close()
            self.addCleanup(os.remove, os.path.join(self.dir, name))
        validate(opts, self.dir)  # source is a check name with --source
        self.assertEqual(self.error(["--source", "a.txt", "echo-server",
                                     "--", "true", "{port}"]),
                         "--source: expected a .c, .h or .py file, got "
                         "'a.txt'")
        self.assertEqual(self.error(["--source", "gone.c", "echo-server",
                                     "--", "true", "{port}"]),
                         "--source: 'gone.c' is not a file")
        self.assertEqual(self.error(["--only", "source", "echo-server",
                                     "--", "true", "{port}"]),
                         "--only: no check 'source' for echo-server "
                         "(see --list)")

    def test_no_port(self):
        self.assertEqual(self.error(["echo-server", "--", "true", "port"]),
                         "COMMAND: no {port} in it, and no --port N says "
                         "which port the program uses")

    def test_the_port_may_be_inside_a_word(self):
        validate(parse(["echo-client", "--", "true", "--to=x:{port}"]),
                 self.dir)

    def test_a_path_is_taken_from_cwd(self):
        path = os.path.join(self.dir, "srv")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n")
        self.addCleanup(os.unlink, path)
        args = ["echo-server", "--", "./srv", "{port}"]
        self.assertEqual(self.error(args),
                         "COMMAND: './srv' is not an executable file")
        os.chmod(path, 0o755)
        validate(parse(args), self.dir)
        self.assertEqual(self.error(args, cwd="/"),
                         "COMMAND: './srv' is not an executable file")

    def test_a_directory_is_not_a_program(self):
        self.assertEqual(self.error(["echo-server", "--", "./", "{port}"]),
                         "COMMAND: './' is not an executable file")

    def test_a_name_is_looked_up_on_path(self):
        self.assertEqual(self.error(["echo-server", "--",
                                     "no-such-program-sockcheck", "{port}"]),
                         "COMMAND: 'no-such-program-sockcheck' not found")


class Help(unittest.TestCase):

    def test_the_help_names_every_option_the_parser_takes(self):
        # the names in argparse's own usage line: its option table
        names = re.findall(r"\[(--?[a-z][a-z-]*)", options.parser()
                           .format_usage())
        self.assertEqual(len(names), 20)
        for name in names:
            self.assertRegex(options.HELP, r"\n  (-h, )?%s\b" % name)

    def test_the_help_and_the_table_name_the_same_options(self):
        said = options.HELP.split("\noptions:\n", 1)[1].split("\n\n")[0]
        in_help = re.findall(r"^  ((?:-h, )?--[a-z-]+)", said, re.M)
        self.assertEqual(len(in_help), 20)
        self.assertEqual(sorted(in_help),
                         sorted(", ".join(o.names) for o in options.OPTIONS))

    def test_a_default_the_help_says_is_the_table_s(self):
        said = options.HELP.split("\noptions:\n", 1)[1].split("\n\n")[0]
        table = {o.names[-1]: o.default for o in options.OPTIONS}
        told = re.findall(r"^  (--[a-z-]+)(?:.*\n {17})*[^\n]*"
                          r"\(default (\d+)\)", said, re.M)
        self.assertEqual(sorted(told), [("--jobs", "1"), ("--wait", "10")])
        for name, default in told:
            self.assertEqual(table[name], int(default), name)
        # each comes from the table: none is typed into an option's words
        for o in options.OPTIONS:
            self.assertNotRegex(o.words, r"\(default.\d", o.names)
        fmt = [o for o in options.OPTIONS if o.field == "format"][0]
        self.assertTrue(fmt.words.startswith("%(default)s (the default)"))

    def test_the_list_of_options_is_made_from_the_table(self):
        said = options.HELP.split("\noptions:\n", 1)[1].split("\n\n")[0]
        self.assertEqual(said, "\n".join(o.help() for o in options.OPTIONS))
        self.assertIn("\noptions:\n%(options)s\n\n", options.HELP_TEXT)
        # "(default N)" is never split at the end of a line
        self.assertNotRegex(said, r"\(default\n")

    def test_a_name_wider_than_its_column_gets_a_line_of_its_own(self):
        o = options.Opt(("--a-long-option",), "x", 3, str, "NAME",
                        "words that say what it does (default\xa0%(default)s)")
        self.assertEqual(o.help().splitlines(), [
            "  --a-long-option NAME",
            " " * 17 + "words that say what it does (default 3)"])
        short = options.Opt(("--wait",), "x", 3, str, "S", "w " * 40)
        lines = short.help().splitlines()
        self.assertTrue(lines[0].startswith("  --wait S       w w"))
        self.assertTrue(all(len(line) <= 76 for line in lines))
        self.assertTrue(all(line.startswith(" " * 17 + "w")
                            for line in lines[1:]))

    def test_the_help_names_every_format_and_fits_78_columns(self):
        for fmt in options.FORMATS:
            self.assertIn(fmt, options.HELP.split("--format F", 1)[1]
                          .split("\n  --only", 1)[0])
        for line in options.HELP.splitlines():
            self.assertLessEqual(len(line), 78, line)

    def test_the_help_names_every_kind(self):
        for kind in KINDS:
            self.assertIn("\n  %s " % kind, options.HELP)

    def test_the_help_starts_with_the_usage(self):
        self.assertTrue(options.HELP.startswith(options.USAGE + "\n\n"))
        self.assertEqual(options.USAGE.splitlines()[0],
                         "usage: scripts/check [options] KIND -- COMMAND "
                         "[ARG...]")
        self.assertTrue(options.HELP.endswith(
            "\n  scripts/check --batch submissions/ echo-server --csv "
            "results.csv"))


if __name__ == "__main__":
    unittest.main()

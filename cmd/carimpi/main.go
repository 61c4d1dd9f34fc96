// Command carimpi scores patients with PET- and inflammation-based indices
// (IMPI, CAR-IMPI, CAR-HEMATOTOX, InflaMix, ...) and runs the survival
// analyses of the CAR-IMPI study. For research use only; not a medical device.
//
// Usage:
//
//	carimpi <command> [flags]
//
// Run "carimpi help" for the list of commands and "carimpi help <command>"
// for one command's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"carimpi/internal/textsafe"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// researchNotice is printed with every result a person reads.
const researchNotice = "For research use only; not a medical device."

// Command is one carimpi subcommand, in the manner of the go command's
// base.Command: its flags, usage line and help live next to its code.
type Command struct {
	Name      string
	UsageLine string // e.g. "km --data F.csv --time COL --event COL [flags]"
	Short     string // one line for the command list
	Long      string // paragraphs for "carimpi help <name>"
	// Flags is set up by the command's constructor; Run sees it parsed.
	Flags *flag.FlagSet
	// Run executes the command. It writes results to stdout and progress to
	// stderr. A *usageError makes main exit 2, any other error exit 1.
	Run func(stdout, stderr io.Writer) error
	// Sub holds subcommands by name ("models import-inflamix").
	Sub map[string]*Command
	// NArgs is the number of operands (file names) the command takes
	// beside its flags; Args holds them during Run.
	NArgs int
	Args  []string
}

var commands = map[string]*Command{}

// register adds a command; a duplicate name is a programming error.
func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("carimpi: duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

// usageError marks an error in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				if len(args) > 2 && c.Sub[args[2]] != nil {
					c = c.Sub[args[2]]
				}
				printCommandHelp(stdout, c)
				return 0
			}
			fmt.Fprintf(stderr, "carimpi help: unknown command %q\n", args[1])
			return 2
		}
		printUsage(stdout)
		return 0
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "carimpi %s\n%s\n", version, researchNotice)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "carimpi: unknown command %q; run 'carimpi help' for the list\n", name)
		return 2
	}
	if len(args) > 1 && c.Sub[args[1]] != nil {
		c, name, args = c.Sub[args[1]], name+" "+args[1], args[1:]
	}
	c.Flags.SetOutput(io.Discard)
	// A command value lives for the process: start every run from the
	// defaults, so that in-process runs (tests, the server) never see an
	// earlier run's flags. Only the flag package's own value types (the
	// flag.Getter ones) can be reset this way; a command with flag.Func or
	// custom values resets those itself.
	c.Flags.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(flag.Getter); ok {
			f.Value.Set(f.DefValue)
		}
	})
	// Operands may come before, between or after the flags.
	c.Args = nil
	for rest := args[1:]; ; {
		if err := c.Flags.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printCommandHelp(stdout, c)
				return 0
			}
			fmt.Fprintf(stderr, "carimpi %s: %s\nusage: carimpi %s\nrun 'carimpi help %s' for details\n", name, textsafe.Lines(err.Error()), c.UsageLine, name)
			return 2
		}
		if c.Flags.NArg() == 0 {
			break
		}
		if len(c.Args) == c.NArgs {
			fmt.Fprintf(stderr, "carimpi %s: unexpected argument %q\nusage: carimpi %s\n", name, c.Flags.Arg(0), c.UsageLine)
			return 2
		}
		c.Args = append(c.Args, c.Flags.Arg(0))
		rest = c.Flags.Args()[1:]
	}
	if len(c.Args) < c.NArgs {
		fmt.Fprintf(stderr, "carimpi %s: missing operand\nusage: carimpi %s\n", name, c.UsageLine)
		return 2
	}
	if err := c.Run(stdout, stderr); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "carimpi %s: %s\nusage: carimpi %s\n", name, textsafe.Lines(err.Error()), c.UsageLine)
			return 2
		}
		// An error may quote the user's file (names, values): its control
		// characters are escaped, as in every table.
		fmt.Fprintf(stderr, "carimpi %s: %s\n", name, textsafe.Lines(err.Error()))
		return 1
	}
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "carimpi: PET- and inflammation-based risk stratification for CAR T-cell therapy in LBCL.\n%s\n\nUsage:\n\n\tcarimpi <command> [flags]\n\nCommands:\n\n", researchNotice)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "\t%-14s %s\n", n, commands[n].Short)
	}
	fmt.Fprintf(w, "\t%-14s %s\n\nRun 'carimpi help <command>' for a command's flags.\n", "version", "print the version")
}

func printCommandHelp(w io.Writer, c *Command) {
	fmt.Fprintf(w, "usage: carimpi %s\n\n", c.UsageLine)
	if c.Long != "" {
		fmt.Fprintln(w, strings.TrimSpace(c.Long))
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Flags:")
	c.Flags.SetOutput(w)
	c.Flags.PrintDefaults()
	c.Flags.SetOutput(io.Discard)
}

// Ranges of the numeric flags that size work or memory, checked while the
// flags are parsed, before any work starts (README, "Limits").
const (
	maxBootstrap    = 100_000    // cutpoint --bootstrap
	maxStudyBoot    = 10_000     // study --bootstrap (each resample repeats the whole development)
	maxPermutations = 1_000_000  // cutpoint --permutations
	maxSimulate     = 50_000     // simulate --n-development, --n-validation (each; the cohort is held in memory, ~3.5 KB a patient)
	maxFisherTables = 10_000_000 // compare --simulate
	// serve --max-body: batch bodies are streamed, so the cap bounds how
	// long a batch holds one of the server's slots, not memory; 1 GiB is
	// some 5 million rows of the whole data dictionary, beyond any cohort, and keeps a mistyped
	// value from lifting the cap.
	maxServeBody = 1 << 30
)

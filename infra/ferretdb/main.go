// Command ferretdb runs FerretDB v1 (MongoDB wire protocol over SQLite) for local development and tests.
//
// It wraps FerretDB's embeddable package instead of building cmd/ferretdb: a cmd/ferretdb binary built
// outside FerretDB's release tooling panics at start-up for want of a generated version.txt, and
// `go install ...@v1.24.2` cannot run where the module proxy refuses the version list. The embedded server
// also keeps no state directory, sends no telemetry and opens no debug HTTP port, so two instances
// (dev and test) run side by side.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite URI of an existing directory, with a trailing slash")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "invalid -log-level %q: %s\n", *logLevel, err)
		os.Exit(2)
	}

	// FerretDB allocates a great deal per document (each stored JSON document is decoded into its own types) while
	// its live heap stays at a few megabytes, so at Go's default (GOGC=100) it collected garbage after every 4 MB
	// allocated: over 10,000 collections in a six-minute benchmark, the collector's marking alone 11% of FerretDB's
	// CPU. Ten times the headroom costs tens of megabytes of memory. A GOGC set in the environment still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(1000)
	}

	logger := slog.New(&deferredHandler{base: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("listening", "addr", *listenAddr, "sqlite", *sqliteURL)

	if err := f.Run(ctx); err != nil {
		logger.Error("stopped with error", "error", err)
		os.Exit(1)
	}
}

// deferredHandler keeps the attributes and groups of Logger.With unformatted until a record is actually written.
//
// FerretDB's SQL layer calls Logger.With with every statement's arguments (for a bulk insert, the JSON of a whole
// batch of documents) before its debug record is checked against the level, twice per statement, and slog's
// text handler formats attributes as soon as they are added. Profiled on the ledger's bulk appends, that
// formatting took about a fifth of FerretDB's CPU, for records that were then dropped at the info level.
type deferredHandler struct {
	base  slog.Handler
	steps []deferredStep

	once  sync.Once
	built slog.Handler
}

// deferredStep is one WithAttrs (attrs) or WithGroup (group) call, applied in order when the handler is built.
type deferredStep struct {
	group string
	attrs []slog.Attr
}

func (h *deferredHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.base.Enabled(ctx, level)
}

func (h *deferredHandler) Handle(ctx context.Context, record slog.Record) error {
	h.once.Do(func() {
		h.built = h.base
		for _, step := range h.steps {
			if step.attrs != nil {
				h.built = h.built.WithAttrs(step.attrs)
			} else {
				h.built = h.built.WithGroup(step.group)
			}
		}
	})

	return h.built.Handle(ctx, record)
}

func (h *deferredHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}

	return h.with(deferredStep{attrs: attrs})
}

func (h *deferredHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}

	return h.with(deferredStep{group: name})
}

func (h *deferredHandler) with(step deferredStep) *deferredHandler {
	steps := make([]deferredStep, len(h.steps), len(h.steps)+1)
	copy(steps, h.steps)

	return &deferredHandler{base: h.base, steps: append(steps, step)}
}

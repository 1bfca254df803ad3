package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/consult/platform/core/platform/config"
)

// commonFlags parses the flags every database command shares and applies
// them over the configuration (flags beat environment beat defaults).
type commonFlags struct {
	fs   *flag.FlagSet
	addr *string
	db   *string
}

func newFlags(name string, withAddr bool) *commonFlags {
	fs := flag.NewFlagSet("platform "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &commonFlags{fs: fs, db: fs.String("db", "", "database URL: sqlite://path or postgres://user@host:5432/db?sslmode=disable (env PLATFORM_DB)")}
	if withAddr {
		f.addr = fs.String("addr", "", "listen address, e.g. 127.0.0.1:8080 (env PLATFORM_ADDR)")
	}
	return f
}

func (f *commonFlags) parse(args, environ []string) (config.Config, error) {
	if err := f.fs.Parse(args); err != nil {
		return config.Config{}, usageError{fmt.Sprintf("%s: %v", f.fs.Name(), err)}
	}
	if f.fs.NArg() > 0 {
		return config.Config{}, usageError{fmt.Sprintf("%s: unexpected argument %q", f.fs.Name(), f.fs.Arg(0))}
	}
	cfg, err := config.Load(environ)
	if err != nil {
		return config.Config{}, err
	}
	if f.addr != nil && *f.addr != "" {
		cfg.Addr = *f.addr
	}
	if *f.db != "" {
		cfg.DB = *f.db
	}
	if err := cfg.Validate(); err != nil {
		return config.Config{}, err
	}
	return cfg, nil
}

// Package clock is the only source of business time. Rules take a Clock
// instead of calling time.Now, so tests and demos can set the instant.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current instant.
type Clock interface {
	Now() time.Time
}

// System is the real wall clock.
type System struct{}

// Now returns the wall-clock time.
func (System) Now() time.Time { return time.Now() }

// Shifted runs on from a chosen start instant at the real rate: the dev
// server started with PLATFORM_CLOCK=2026-01-15T14:00:00+03:00 reads that
// instant at start and time passes normally afterwards.
type Shifted struct {
	offset time.Duration
}

// StartingAt returns a clock that reads start now and then runs on.
func StartingAt(start time.Time) *Shifted {
	return &Shifted{offset: time.Until(start)}
}

// Now returns the shifted instant.
func (s *Shifted) Now() time.Time { return time.Now().Add(s.offset) }

// Fake is a clock for tests that moves only when told to.
type Fake struct {
	mu  sync.Mutex
	now time.Time
}

// NewFake returns a fake clock stopped at t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now returns the fake instant.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Set moves the clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// Moscow is the zone the offers' time rules are written in (offers 003/004,
// article 8: "по московскому времени"). Loaded once; the binary embeds the
// zone database so it works on machines without tzdata.
var Moscow = mustZone("Europe/Moscow")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

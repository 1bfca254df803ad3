package sdk

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestWatchParentCatchesAParentAlreadyGone(t *testing.T) {
	called := false
	watchParent(os.Getppid()+1, time.Hour, func() { called = true })
	if !called {
		t.Error("a parent that is already another process was not noticed before watchParent returned")
	}
}

func TestServeRefusesToRunByHand(t *testing.T) {
	t.Setenv(Handshake.MagicCookieKey, "")
	if err := Serve(nil); !errors.Is(err, ErrNotPlugin) {
		t.Errorf("Serve without the host's cookie: %v, want ErrNotPlugin", err)
	}
}

package sdk

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/consult/platform/core/platform/errs"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestErrorsCrossTheWire: what a product returns is what the host gets,
// kind and code, and causes stay in the plugin.
func TestErrorsCrossTheWire(t *testing.T) {
	live := context.Background()
	expired, cancel := context.WithCancel(context.Background())
	cancel()

	cases := []struct {
		name     string
		ctx      context.Context
		err      error // as the product returned it, or as gRPC reported it
		fromWire bool  // err is a gRPC status already
		kind     errs.Kind
		code     string
		fields   int
		is       error
	}{
		{"invalid", live, errs.E(errs.KindInvalid, "documents.kind_unknown"), false, errs.KindInvalid, "documents.kind_unknown", 0, nil},
		{"invalid with fields", live, errs.Invalid("documents.input_invalid",
			errs.FieldError{Field: "answer", Code: "documents.field_required"}), false, errs.KindInvalid, "documents.input_invalid", 1, nil},
		{"bad request keeps its kind", live, errs.E(errs.KindBadRequest, "x.bad"), false, errs.KindBadRequest, "x.bad", 0, nil},
		{"not found", live, errs.E(errs.KindNotFound, "x.missing"), false, errs.KindNotFound, "x.missing", 0, nil},
		{"conflict", live, errs.E(errs.KindConflict, "x.state"), false, errs.KindConflict, "x.state", 0, nil},
		{"plain error is internal", live, fmt.Errorf("db password is hunter2"), false, errs.KindInternal, "errors.internal", 0, nil},
		{"product ran out of time", live, context.DeadlineExceeded, false, errs.KindUnavailable, CodeProductTimeout, 0, context.DeadlineExceeded},
		{"caller canceled", expired, status.Error(codes.Canceled, "context canceled"), true, errs.KindUnavailable, CodeProductCanceled, 0, context.Canceled},
		{"connection closed under a live caller", live, status.Error(codes.Canceled, "grpc: the client connection is closing"), true,
			errs.KindUnavailable, CodeProductUnavailable, 0, nil},
		{"transport down", live, status.Error(codes.Unavailable, "connection refused"), true, errs.KindUnavailable, CodeProductUnavailable, 0, nil},
		{"foreign status keeps its kind", live, status.Error(codes.NotFound, "whatever"), true, errs.KindNotFound, "errors.not_found", 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wire := c.err
			if !c.fromWire {
				wire = toStatus(c.err)
			}
			got := fromStatus(c.ctx, wire)
			e := errs.As(got)
			if e.Kind != c.kind || e.Code != c.code || len(e.Fields) != c.fields {
				t.Fatalf("got kind %v code %q fields %v; want %v %q %d", e.Kind, e.Code, e.Fields, c.kind, c.code, c.fields)
			}
			if c.is != nil && !errors.Is(got, c.is) {
				t.Errorf("errors.Is(%v, %v) = false", got, c.is)
			}
			if st, _ := status.FromError(wire); st.Message() == "db password is hunter2" {
				t.Error("an internal cause crossed the wire")
			}
		})
	}
}

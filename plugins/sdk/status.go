package sdk

import (
	"context"
	"errors"

	"github.com/consult/platform/core/platform/errs"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
)

// Errors cross the wire as gRPC statuses (the Vault habit): the status
// code follows the error's kind, so a non-Go plugin can speak the protocol,
// and an ErrorInfo detail carries the exact kind and message id, so the
// host gets back the *errs.Error the product returned. A cause never
// crosses: it stays in the plugin's log.

// errorDomain names our ErrorInfo details.
const errorDomain = "consult.platform"

// Codes of errors the protocol itself produces on the host side.
const (
	CodeProductUnavailable = "products.unavailable" // the plugin process is down or restarting
	CodeProductTimeout     = "products.timeout"     // the call's deadline passed
	CodeProductCanceled    = "products.canceled"    // the caller gave up
	CodeProductInput       = "products.input_invalid"
)

var kindCodes = map[errs.Kind]codes.Code{
	errs.KindInternal:     codes.Internal,
	errs.KindInvalid:      codes.InvalidArgument,
	errs.KindNotFound:     codes.NotFound,
	errs.KindConflict:     codes.FailedPrecondition,
	errs.KindUnauthorized: codes.Unauthenticated,
	errs.KindForbidden:    codes.PermissionDenied,
	errs.KindTooMany:      codes.ResourceExhausted,
	errs.KindUnavailable:  codes.Unavailable,
	errs.KindBadRequest:   codes.InvalidArgument,
}

// toStatus turns a product's error into the status sent to the host.
func toStatus(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, CodeProductTimeout)
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, CodeProductCanceled)
	}
	e := errs.As(err)
	st := status.New(kindCodes[e.Kind], e.Code)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason:   e.Code,
		Domain:   errorDomain,
		Metadata: map[string]string{"kind": e.Kind.String()},
	}}
	if len(e.Fields) > 0 {
		br := &errdetails.BadRequest{}
		for _, f := range e.Fields {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: f.Field, Reason: f.Code})
		}
		details = append(details, br)
	}
	if d, derr := st.WithDetails(details...); derr == nil {
		st = d
	}
	return st.Err()
}

// fromStatus turns a status from the plugin (or from the transport) back
// into an *errs.Error. Transport failures — the process died, the socket
// is gone — are KindUnavailable with code products.unavailable, so an HTTP
// handler answers 503 while the host restarts the plugin. ctx is the
// caller's: a deadline or cancellation is reported as such only when the
// caller's context did end (gRPC also says "canceled" when go-plugin closes
// the connection of a plugin that exited).
func fromStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	switch ctxErr := ctx.Err(); {
	case errors.Is(ctxErr, context.DeadlineExceeded):
		return errs.Wrap(errs.KindUnavailable, CodeProductTimeout, ctxErr)
	case ctxErr != nil:
		return errs.Wrap(errs.KindUnavailable, CodeProductCanceled, ctxErr)
	}
	st, ok := status.FromError(err)
	if !ok {
		return errs.Wrap(errs.KindUnavailable, CodeProductUnavailable, err)
	}
	if st.Code() == codes.DeadlineExceeded {
		// The plugin's own deadline passed first (clocks differ by the
		// transit time): the caller's deadline, for all it matters.
		return errs.Wrap(errs.KindUnavailable, CodeProductTimeout, context.DeadlineExceeded)
	}
	var out *errs.Error
	var fields []errs.FieldError
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			if d.GetDomain() == errorDomain {
				out = errs.Wrap(kindByName(d.GetMetadata()["kind"]), d.GetReason(), err)
			}
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fields = append(fields, errs.FieldError{Field: v.GetField(), Code: v.GetReason()})
			}
		}
	}
	if out != nil {
		out.Fields = fields
		return out
	}
	if st.Code() == codes.Unavailable || st.Code() == codes.Canceled {
		// Canceled under a live caller: go-plugin closed the connection
		// of a plugin that exited.
		return errs.Wrap(errs.KindUnavailable, CodeProductUnavailable, err)
	}
	// A status without our detail: a plugin in another language, or a
	// gRPC-level failure. Keep its code's kind; its message is not a
	// message id we can trust, so the code is generic.
	for k, c := range kindCodes {
		if c == st.Code() && k != errs.KindBadRequest {
			return errs.Wrap(k, "errors."+k.String(), err)
		}
	}
	return errs.Wrap(errs.KindInternal, "errors.internal", err)
}

// kindByName is the inverse of errs.Kind.String.
func kindByName(name string) errs.Kind {
	for k := range kindCodes {
		if k.String() == name {
			return k
		}
	}
	return errs.KindInternal
}

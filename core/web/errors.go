package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/platform/errs"
)

// statusOf maps an error kind to its HTTP status.
func statusOf(k errs.Kind) int {
	switch k {
	case errs.KindInvalid:
		return fiber.StatusUnprocessableEntity
	case errs.KindBadRequest:
		return fiber.StatusBadRequest
	case errs.KindNotFound:
		return fiber.StatusNotFound
	case errs.KindConflict:
		return fiber.StatusConflict
	case errs.KindUnauthorized:
		return fiber.StatusUnauthorized
	case errs.KindForbidden:
		return fiber.StatusForbidden
	case errs.KindTooMany:
		return fiber.StatusTooManyRequests
	case errs.KindUnavailable:
		return fiber.StatusServiceUnavailable
	default:
		return fiber.StatusInternalServerError
	}
}

// fromFiber turns fiber's own errors (no route, body too large, …) into
// platform errors so they get a code and a localised message too.
func fromFiber(fe *fiber.Error) *errs.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return errs.E(errs.KindNotFound, "errors.route_not_found")
	case fiber.StatusMethodNotAllowed:
		return &errs.Error{Kind: errs.KindBadRequest, Code: "errors.method_not_allowed"}
	case fiber.StatusRequestEntityTooLarge:
		return errs.E(errs.KindBadRequest, "errors.body_too_large")
	case fiber.StatusTooManyRequests:
		return errs.E(errs.KindTooMany, "errors.too_many_requests")
	case fiber.StatusBadRequest:
		return errs.E(errs.KindBadRequest, "errors.bad_request")
	case fiber.StatusServiceUnavailable:
		return errs.E(errs.KindUnavailable, "errors.unavailable")
	default:
		return errs.Internal(fe)
	}
}

// errorBody is the one shape of every API error (DESIGN.md, "HTTP").
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []fieldError `json:"fields,omitempty"`
}

type fieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorHandler answers every error: JSON for the API, a branded page for
// pages. Internal causes go to the log with the request id, never out.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var e *errs.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		e = fromFiber(fe)
	default:
		e = errs.Internal(err)
	}
	status := statusOf(e.Kind)
	if e.Code == "errors.method_not_allowed" {
		status = fiber.StatusMethodNotAllowed
	}
	lang := langOf(c)
	if e.Kind == errs.KindInternal {
		s.log.ErrorContext(c.UserContext(), "request failed",
			"request_id", requestID(c), "route", routeOf(c), "code", e.Code, "err", e.Err)
	}
	if e.Kind == errs.KindTooMany {
		if ra, ok := e.Data["RetryAfter"]; ok {
			c.Set(fiber.HeaderRetryAfter, toString(ra))
		}
	}
	msg := s.i18n.T(lang, e.Code, e.Data)
	if isAPI(c) || site(c) == nil {
		body := errorBody{Error: errorDetail{Code: e.Code, Message: msg}}
		for _, f := range e.Fields {
			body.Error.Fields = append(body.Error.Fields, fieldError{Field: f.Field, Code: f.Code, Message: s.i18n.T(lang, f.Code, f.Data)})
		}
		if !isAPI(c) && site(c) == nil {
			// A browser on an unknown host gets readable text, not JSON.
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(status).SendString(msg)
		}
		return c.Status(status).JSON(body)
	}
	return s.renderPage(c.Status(status), "error", fiber.Map{"Status": status, "Code": e.Code, "Message": msg})
}

func toString(v any) string {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	default:
		return "1"
	}
}

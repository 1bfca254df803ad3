package host_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/consult/platform/plugins/host"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
)

// benchRequest is a typical request: a pet, a question, one X-ray.
var benchRequest = sdk.Request{
	ServiceKind: "second_opinion",
	SubjectKind: "pet",
	Subject: map[string]any{"species": "dog", "breed": "labrador", "name": "Рекс", "sex": "male",
		"birth_date": "2020-05-01", "weight_kg": 32.5},
	Question:    "Подтвердите, пожалуйста, диагноз: дисплазия тазобедренного сустава.",
	Attachments: []sdk.Attachment{{Name: "rentgen.jpg", ContentType: "image/jpeg", Size: 2 << 20}},
}

var benchCall = sdk.Call{Tenant: "vetpet", Locale: "ru", Timezone: "Europe/Moscow"}

// BenchmarkStart measures a plugin start: fork/exec of the platform binary,
// the go-plugin handshake with AutoMTLS, and the first Describe.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		m := host.New(host.Config{Executable: os.Args[0], Plugins: []host.Declaration{builtin("vetpet")}})
		if err := m.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		if s := m.States()[0]; s.Status != host.StatusRunning {
			b.Fatalf("%+v", s)
		}
		b.StopTimer()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := m.Stop(ctx); err != nil {
			b.Fatal(err)
		}
		cancel()
		b.StartTimer()
	}
}

func benchProduct(b *testing.B) sdk.Product {
	b.Helper()
	m := newManager(b, builtin("vetpet"))
	p, err := m.Product("vetpet")
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkDescribe: one sequential Describe (the whole spec, ~70 breeds)
// to a plugin process.
func BenchmarkDescribe(b *testing.B) {
	p := benchProduct(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := p.Describe(ctx, benchCall); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateRequest: one sequential ValidateRequest to a plugin
// process.
func BenchmarkValidateRequest(b *testing.B) {
	p := benchProduct(b)
	ctx := context.Background()
	for b.Loop() {
		vs, err := p.ValidateRequest(ctx, benchCall, benchRequest)
		if err != nil || len(vs) > 0 {
			b.Fatal(err, vs)
		}
	}
}

// BenchmarkValidateRequestParallel: concurrent calls over the one
// connection, as from many HTTP handlers.
func BenchmarkValidateRequestParallel(b *testing.B) {
	p := benchProduct(b)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := p.ValidateRequest(ctx, benchCall, benchRequest); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkValidateRequestInProcess is the same check without the process
// boundary, for comparison.
func BenchmarkValidateRequestInProcess(b *testing.B) {
	p := products.Builtin()["vetpet"]
	ctx := context.Background()
	for b.Loop() {
		if _, err := p.ValidateRequest(ctx, benchCall, benchRequest); err != nil {
			b.Fatal(err)
		}
	}
}

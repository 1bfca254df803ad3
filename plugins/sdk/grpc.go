package sdk

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/consult/platform/core/platform/errs"
	productv1 "github.com/consult/platform/plugins/proto/consult/product/v1"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// ProtocolVersion is the version of the plugin protocol this SDK speaks
// (package consult.product.v1). It changes only with a breaking change of
// the protocol; the host then offers both versions while plugins move.
const ProtocolVersion = 1

// PluginName is the name the product is dispensed under.
const PluginName = "product"

// Handshake is shared by host and plugins. The cookie is not a security
// measure (go-plugin: "a basic UX feature"): it stops a user from running
// a plugin binary by hand. It never changes, or every deployed plugin
// would stop starting.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "CONSULT_PLATFORM_PLUGIN",
	MagicCookieValue: "4f1c0d3e-products-9a7b",
}

// PluginSets returns the versioned plugin sets for go-plugin's
// VersionedPlugins. The serving side passes its product; the host passes
// nil. Products never call it: Serve and plugins/host do.
func PluginSets(impl Product, logger hclog.Logger) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		ProtocolVersion: {PluginName: &grpcPlugin{impl: impl, logger: logger}},
	}
}

// Remote is what the host gets from dispensing a plugin: the product, plus
// Done, which is closed when the plugin process exits.
type Remote interface {
	Product
	Done() <-chan struct{}
}

// grpcPlugin is go-plugin's glue: it registers the server in the plugin
// and builds the client in the host.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl   Product
	logger hclog.Logger
}

var _ plugin.GRPCPlugin = (*grpcPlugin)(nil)

func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.impl == nil {
		return fmt.Errorf("sdk: no product to serve")
	}
	logger := p.logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	productv1.RegisterProductServiceServer(s, &grpcServer{impl: p.impl, logger: logger})
	return nil
}

// GRPCClient keeps ctx: go-plugin cancels it when the plugin process
// exits, which is how the host notices a crash without polling.
func (p *grpcPlugin) GRPCClient(ctx context.Context, _ *plugin.GRPCBroker, cc *grpc.ClientConn) (any, error) {
	return &grpcClient{rpc: productv1.NewProductServiceClient(cc), done: ctx.Done()}, nil
}

// grpcServer serves a Product in the plugin process.
type grpcServer struct {
	productv1.UnimplementedProductServiceServer
	impl   Product
	logger hclog.Logger
}

// guard turns a panic in product code into an internal error, so one bad
// request does not kill the process and every other request with it, and
// logs the cause of internal errors on the plugin side (the host only ever
// sees the message id).
func (s *grpcServer) guard(method string, err *error) {
	if r := recover(); r != nil {
		s.logger.Error("product panicked", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = toStatus(errs.Internal(fmt.Errorf("panic: %v", r)))
		return
	}
	if *err == nil {
		return
	}
	if e := errs.As(*err); e.Kind == errs.KindInternal {
		s.logger.Error("product call failed", "method", method, "error", (*err).Error())
	}
	*err = toStatus(*err)
}

func (s *grpcServer) Describe(ctx context.Context, req *productv1.DescribeRequest) (_ *productv1.DescribeResponse, err error) {
	defer s.guard("Describe", &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	spec, err := s.impl.Describe(ctx, callFromPB(req.GetCall()))
	if err != nil {
		return nil, err
	}
	return &productv1.DescribeResponse{Spec: specToPB(spec)}, nil
}

func (s *grpcServer) ValidateRequest(ctx context.Context, req *productv1.ValidateRequestRequest) (_ *productv1.ValidateRequestResponse, err error) {
	defer s.guard("ValidateRequest", &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vs, err := s.impl.ValidateRequest(ctx, callFromPB(req.GetCall()), requestFromPB(req.GetRequest()))
	if err != nil {
		return nil, err
	}
	return &productv1.ValidateRequestResponse{Violations: violationsToPB(vs)}, nil
}

func (s *grpcServer) ValidateSubject(ctx context.Context, req *productv1.ValidateSubjectRequest) (_ *productv1.ValidateSubjectResponse, err error) {
	defer s.guard("ValidateSubject", &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vs, err := s.impl.ValidateSubject(ctx, callFromPB(req.GetCall()), req.GetKind(), valuesFromPB(req.GetFields()))
	if err != nil {
		return nil, err
	}
	return &productv1.ValidateSubjectResponse{Violations: violationsToPB(vs)}, nil
}

func (s *grpcServer) RenderDocument(ctx context.Context, req *productv1.RenderDocumentRequest) (_ *productv1.RenderDocumentResponse, err error) {
	defer s.guard("RenderDocument", &err)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := s.impl.RenderDocument(ctx, callFromPB(req.GetCall()), documentInputFromPB(req.GetInput()))
	if err != nil {
		return nil, err
	}
	return &productv1.RenderDocumentResponse{Document: documentToPB(doc)}, nil
}

// grpcClient is the host's view of a product in a plugin process.
type grpcClient struct {
	rpc  productv1.ProductServiceClient
	done <-chan struct{}
}

var _ Remote = (*grpcClient)(nil)

func (c *grpcClient) Done() <-chan struct{} { return c.done }

func (c *grpcClient) Describe(ctx context.Context, call Call) (Spec, error) {
	resp, err := c.rpc.Describe(ctx, &productv1.DescribeRequest{Call: callToPB(call)})
	if err != nil {
		return Spec{}, fromStatus(ctx, err)
	}
	return specFromPB(resp.GetSpec()), nil
}

func (c *grpcClient) ValidateRequest(ctx context.Context, call Call, req Request) ([]Violation, error) {
	pr, err := requestToPB(req)
	if err != nil {
		return nil, errs.Wrap(errs.KindInvalid, CodeProductInput, err)
	}
	resp, err := c.rpc.ValidateRequest(ctx, &productv1.ValidateRequestRequest{Call: callToPB(call), Request: pr})
	if err != nil {
		return nil, fromStatus(ctx, err)
	}
	return violationsFromPB(resp.GetViolations()), nil
}

func (c *grpcClient) ValidateSubject(ctx context.Context, call Call, kind string, fields map[string]any) ([]Violation, error) {
	pf, err := valuesToPB(fields)
	if err != nil {
		return nil, errs.Wrap(errs.KindInvalid, CodeProductInput, err)
	}
	resp, err := c.rpc.ValidateSubject(ctx, &productv1.ValidateSubjectRequest{Call: callToPB(call), Kind: kind, Fields: pf})
	if err != nil {
		return nil, fromStatus(ctx, err)
	}
	return violationsFromPB(resp.GetViolations()), nil
}

func (c *grpcClient) RenderDocument(ctx context.Context, call Call, in DocumentInput) (Document, error) {
	pin, err := documentInputToPB(in)
	if err != nil {
		return Document{}, errs.Wrap(errs.KindInvalid, CodeProductInput, err)
	}
	resp, err := c.rpc.RenderDocument(ctx, &productv1.RenderDocumentRequest{Call: callToPB(call), Input: pin})
	if err != nil {
		return Document{}, fromStatus(ctx, err)
	}
	return documentFromPB(resp.GetDocument()), nil
}

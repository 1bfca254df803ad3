package catalog

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders the catalogue's texts. Admins write Markdown or plain
// paragraphs; line breaks inside a paragraph are kept (hard wraps), so a
// list typed as lines («✓ Кошки», «✓ Птицы») stays lines. Raw HTML is never
// passed through: goldmark without WithUnsafe replaces it with a comment,
// so an admin account — or whoever took it over — cannot put script into
// every visitor's page.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// RenderMarkdown returns src as HTML safe to put into a page: raw HTML
// dropped, links only to http(s), mailto: and tel: (or relative), with
// rel="nofollow noopener", pictures only from https or this site. A text
// that fails to render — goldmark fails only on a broken writer — is shown
// escaped, as plain text.
func RenderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>") // #nosec G203 -- escaped
	}
	return template.HTML(b.String()) // #nosec G203 -- goldmark output without raw HTML, links filtered by safeLinks
}

// safeLinks rewrites links and pictures of the parsed text. goldmark
// already drops javascript:, vbscript:, file: and data: URLs; this allows
// only the schemes a catalogue text needs, so whatever goldmark's list
// misses (a new scheme, an odd encoding) is dropped too.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var drop []*ast.AutoLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			if !allowedLink(string(l.Destination), "http", "https", "mailto", "tel") {
				l.Destination = nil
			}
			l.SetAttributeString("rel", []byte("nofollow noopener"))
		case *ast.Image:
			if !allowedLink(string(l.Destination), "https") {
				l.Destination = nil
			}
		case *ast.AutoLink:
			if l.AutoLinkType == ast.AutoLinkURL && !allowedLink(string(l.URL(source)), "http", "https") {
				drop = append(drop, l)
			}
			l.SetAttributeString("rel", []byte("nofollow noopener"))
		}
		return ast.WalkContinue, nil
	})
	// An autolink (<scheme:…>) with another scheme becomes its plain
	// text; replaced after the walk, which must not see the tree change.
	for _, l := range drop {
		l.Parent().ReplaceChild(l.Parent(), l, ast.NewString(l.Label(source)))
	}
}

// allowedLink reports whether dest is relative (no scheme, not
// protocol-relative) or uses one of schemes.
func allowedLink(dest string, schemes ...string) bool {
	dest = strings.TrimSpace(dest)
	if dest == "" || strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, `\\`) {
		return false
	}
	u, err := url.Parse(dest)
	if err != nil {
		return false
	}
	if u.Scheme == "" {
		// url.Parse takes a colon before any / ? # as a scheme's end (or
		// refuses the text): a colon left over is in the path or query.
		return true
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			return true
		}
	}
	return false
}

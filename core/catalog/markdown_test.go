package catalog_test

import (
	"strings"
	"testing"

	"github.com/consult/platform/core/catalog"
)

// TestRenderMarkdownIsSafe: whatever an admin (or whoever took over an
// admin account) writes, the page gets no script, no event handler and no
// link to a scheme other than http(s), mailto and tel.
func TestRenderMarkdownIsSafe(t *testing.T) {
	tests := []struct {
		name, src  string
		want, deny []string
	}{
		{"plain paragraphs keep their lines", "Первая строка\nвторая строка\n\nНовый абзац",
			[]string{"<p>Первая строка<br>", "вторая строка</p>", "<p>Новый абзац</p>"}, nil},
		{"a list", "- Кошки\n- Птицы", []string{"<li>Кошки</li>", "<li>Птицы</li>"}, nil},
		{"emphasis", "**Аудиоконсультация.** ответ", []string{"<strong>Аудиоконсультация.</strong>"}, nil},
		{"a script tag", "Текст <script>alert(1)</script>", nil, []string{"<script", "alert(1)</script>"}},
		{"an inline handler", `<img src=x onerror="alert(1)">`, nil, []string{"<img", "onerror"}},
		{"a javascript link", "[жми](javascript:alert(1))", []string{">жми</a>"}, []string{"javascript:"}},
		{"an encoded javascript link", "[жми](&#106;avascript:alert(1))", nil, []string{"avascript:alert"}},
		{"a vbscript link", "[x](vbscript:msgbox)", nil, []string{"vbscript"}},
		{"a data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:"}},
		{"a javascript autolink", "<javascript:alert(1)>", nil, []string{"href=\"javascript", "<a"}},
		{"an unknown scheme", "[x](intent://evil)", nil, []string{"intent:"}},
		{"a protocol-relative link", "[x](//evil.example/)", nil, []string{"evil.example"}},
		{"an https link", "[сайт](https://vet-pet.online/)", []string{`href="https://vet-pet.online/"`, `rel="nofollow noopener"`}, nil},
		{"an https autolink", "<https://astars.online>", []string{`href="https://astars.online"`, `rel="nofollow noopener"`}, nil},
		{"a relative link", "[оферта](/legal/offer)", []string{`href="/legal/offer"`}, nil},
		{"mailto and tel", "[почта](mailto:office@vet-pet.online) [звонок](tel:+78006009993)",
			[]string{`href="mailto:office@vet-pet.online"`, `href="tel:+78006009993"`}, nil},
		{"an http picture is dropped", "![x](http://tracker.example/p.png)", nil, []string{"tracker.example"}},
		{"an https picture stays", "![x](https://vet-pet.online/p.png)", []string{`src="https://vet-pet.online/p.png"`}, nil},
		{"a quote in a link", `[x](https://a.example/"onmouseover="alert(1))`, nil, []string{`"onmouseover="`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(catalog.RenderMarkdown(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, d := range tt.deny {
				if strings.Contains(got, d) {
					t.Errorf("contains %q:\n%s", d, got)
				}
			}
		})
	}
}

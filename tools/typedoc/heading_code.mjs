// A typedoc plugin: headings keep their code text in anchors and in the page's table of contents.
// typedoc 0.28 builds a heading's id and its "On this page" entry from the heading's `text`
// tokens only (getTokenTextContent in typedoc's markdown renderer), so "## `hk.remat(fn)`" got the
// id "_" and an empty entry. markdown-it renders `code_inline` from its `content` and ignores
// `children`; giving each heading's code span a text child makes typedoc read it, while the HTML
// stays `<code>`.

/** @param {import("typedoc").Application} app */
export function load(app) {
  // Options are read again after plugins load: set the loader once they are final.
  app.on("bootstrapEnd", () => {
    const previous = app.options.getValue("markdownItLoader");
    app.options.setValue("markdownItLoader", (parser) => {
      previous(parser);
      parser.core.ruler.push("heading_code_text", (state) => {
        const tokens = state.tokens;
        for (let i = 0; i + 1 < tokens.length; i++) {
          if (tokens[i].type !== "heading_open" || tokens[i + 1].type !== "inline") continue;
          for (const child of tokens[i + 1].children ?? []) {
            if (child.type !== "code_inline" || child.children) continue;
            const text = new state.Token("text", "", 0);
            text.content = child.content;
            child.children = [text];
          }
        }
      });
    });
  });
}

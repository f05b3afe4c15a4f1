// The `.net` language in the editor: a small stream highlighter and completion of layer kinds,
// keywords and options. The kinds come from the server (GET /api/kinds), so they match the checker.

import { StreamLanguage } from "@codemirror/language";

export function netLanguage(kindNames, keywords) {
  const kinds = new Set(kindNames);
  const words = new Set(keywords);
  return StreamLanguage.define({
    name: "netspec",
    startState: () => ({ statementStart: true }),
    token(stream, state) {
      if (stream.sol()) state.statementStart = true;
      if (stream.eatSpace()) return null;
      if (stream.match("#")) {
        stream.skipToEnd();
        return "comment";
      }
      if (stream.match(/^[;{}]/)) {
        state.statementStart = true;
        return "brace";
      }
      if (stream.match(/^\d+(\.\d+)?(x\d+(\.\d+)?)*/)) return "number";
      if (stream.match(/^[A-Za-z_][\w.]*(?=\s*:)/)) return "labelName";
      if (stream.match(/^[A-Za-z_]\w*(?==)/)) return "propertyName";
      const word = stream.match(/^[A-Za-z_]\w*/);
      if (word) {
        const text = word[0].toLowerCase();
        const first = state.statementStart;
        state.statementStart = false;
        if (first && words.has(text)) return "keyword";
        if (first && kinds.has(text)) return "typeName";
        return first ? "variableName" : "atom";
      }
      stream.next();
      return null;
    },
    languageData: { commentTokens: { line: "#" } },
  });
}

export function netCompletion(kindEntries, keywords) {
  const statementOptions = [
    ...kindEntries.map((kind) => ({ label: kind.name, type: "type", detail: kind.summary })),
    ...keywords.map((word) => ({ label: word, type: "keyword" })),
  ];
  const optionsByKind = new Map(kindEntries.map((kind) => [kind.name, kind.options]));
  return (context) => {
    const word = context.matchBefore(/\w*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, word.from - line.from);
    const statement = before.split(/[;{}]/).pop().replace(/^\s*[\w.]+\s*:/, "");
    if (/^\s*$/.test(statement)) return { from: word.from, options: statementOptions, validFor: /^\w*$/ };
    const kind = statement.trim().split(/\s+/)[0].toLowerCase();
    const options = optionsByKind.get(kind);
    if (!options) return null;
    return {
      from: word.from,
      options: options.map((name) => ({ label: `${name}=`, type: "property" })),
      validFor: /^\w*$/,
    };
  };
}

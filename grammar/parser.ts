/**
 * The .anet grammar as a chevrotain CST parser. One instance serves every parse (chevrotain's
 * self-analysis is the expensive part), recovery is on so one run reports every syntax error, and
 * full location tracking gives every CST node the span the AST and diagnostics need.
 *
 *   spec      := 'model' NAME '{' member* '}'
 *   member    := param | input | block | variant | section | layer   (each optionally followed by ';')
 *   param     := 'param' NAME (':' TYPE)? '=' expr ('where' bound (',' bound)*)?
 *   bound     := ('>=' | '>' | '<=' | '<') expr                   param width = 1 where > 0, <= 4
 *   variant   := 'variant' NAME '{' (input | NAME '=' value)* '}'  variant cifar { input 3x32x32 }
 *   input     := 'input' value                                   e.g. input 3x224x224
 *   block     := 'block' NAME '{' layer* '}'
 *   section   := NAME '{' (NAME '=' value)* '}'                  init { … }, train { … }, matrix { … }
 *   layer     := (NAME ':')? KIND ('(' args ')')? allow*         conv1: conv(48, kernel=11)
 *   allow     := 'allow' CODE STRING                             allow inexact "reason"
 *   args      := arg (',' arg)* ','?          arg := (NAME '=')? value   (no empty arguments)
 *   value     := expr (('x' expr)+ | '->' expr)? | '[' value,… ']' | '{' NAME ':' value,… '}'
 *   expr      := usual arithmetic: + - * / % ** unary -, calls f(args), names, numbers, strings
 */
import { CstParser } from "chevrotain";
import * as T from "./tokens.js";
import { messages } from "./messages.js";

export class AnetParser extends CstParser {
  /**
   * Grammar validations (ambiguities, left recursion) are chevrotain's slowest start-up step and can
   * only fail when the grammar changes: the shipped instance skips them, and a test builds a
   * validating instance so a grammar mistake still fails the build.
   */
  constructor(validate = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 3,
      errorMessageProvider: messages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  public spec = this.RULE("spec", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.member));
    this.CONSUME(T.RBrace);
  });

  private member = this.RULE("member", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.paramDecl) },
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.variantDecl) },
      { GATE: () => this.LA(2).tokenType === T.LBrace, ALT: () => this.SUBRULE(this.section) },
      { ALT: () => this.SUBRULE(this.layer) },
    ]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  private paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Identifier, { LABEL: "type" });
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { LABEL: "value" });
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.bound) });
    });
  });

  private bound = this.RULE("bound", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.Greater, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.LessEq, { LABEL: "op" }) },
      { ALT: () => this.CONSUME(T.Less, { LABEL: "op" }) },
    ]);
    this.SUBRULE(this.expression, { LABEL: "limit" });
  });

  private variantDecl = this.RULE("variantDecl", () => {
    this.CONSUME(T.Variant);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.inputDecl) }, { ALT: () => this.SUBRULE(this.setting) }]);
      this.OPTION(() => this.OR2([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.CONSUME(T.Comma) }]));
    });
    this.CONSUME(T.RBrace);
  });

  private inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(T.Input);
    this.SUBRULE(this.value);
  });

  private blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.layer);
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RBrace);
  });

  private section = this.RULE("section", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.SUBRULE(this.setting);
      this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.CONSUME(T.Comma) }]));
    });
    this.CONSUME(T.RBrace);
  });

  private setting = this.RULE("setting", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });

  private layer = this.RULE("layer", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.CONSUME(T.Colon);
    });
    this.CONSUME2(T.Identifier, { LABEL: "kind" });
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.OPTION3(() => this.SUBRULE(this.argList));
      this.CONSUME(T.RParen);
    });
    this.MANY(() => this.SUBRULE(this.allowClause));
  });

  private allowClause = this.RULE("allowClause", () => {
    this.CONSUME(T.Allow);
    this.CONSUME(T.Identifier, { LABEL: "code" });
    this.CONSUME(T.StringLiteral, { LABEL: "reason" });
  });

  private argList = this.RULE("argList", () => {
    this.SUBRULE(this.arg);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.arg);
    });
    // One trailing comma before ')' is allowed; an empty argument (`kernel=3,, stride=2`) is not.
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  private arg = this.RULE("arg", () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: "name" });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.value);
  });

  private value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.record) },
      {
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: "first" });
          this.OPTION(() =>
            this.OR2([
              {
                ALT: () =>
                  this.AT_LEAST_ONE(() => {
                    this.CONSUME(T.Cross);
                    this.SUBRULE2(this.expression, { LABEL: "dims" });
                  }),
              },
              {
                ALT: () => {
                  this.CONSUME(T.Arrow);
                  this.SUBRULE3(this.expression, { LABEL: "to" });
                },
              },
            ]),
          );
        },
      },
    ]);
  });

  private list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.value);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.value);
      });
    });
    this.CONSUME(T.RBracket);
  });

  private record = this.RULE("record", () => {
    this.CONSUME(T.LBrace);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "key" });
        this.CONSUME(T.Colon);
        this.SUBRULE(this.value);
      },
    });
    this.CONSUME(T.RBrace);
  });

  private expression = this.RULE("expression", () => {
    this.SUBRULE(this.term, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: "ops" }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: "ops" }) }]);
      this.SUBRULE2(this.term, { LABEL: "operands" });
    });
  });

  private term = this.RULE("term", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: "ops" }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: "ops" }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  private unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  // `**` is right-associative and binds tighter than unary minus on its left: -2**2 = -4.
  private power = this.RULE("power", () => {
    this.SUBRULE(this.primary, { LABEL: "base" });
    this.OPTION(() => {
      this.CONSUME(T.Power);
      this.SUBRULE(this.unary, { LABEL: "exponent" });
    });
  });

  private primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION(() => {
            this.CONSUME(T.LParen);
            this.OPTION2(() => this.SUBRULE(this.argList));
            this.CONSUME(T.RParen);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME2(T.RParen);
        },
      },
    ]);
  });
}

/** The single parser instance: construction runs chevrotain's grammar self-analysis once. */
export const parser = new AnetParser();

export const BaseCstVisitor = parser.getBaseCstVisitorConstructor();

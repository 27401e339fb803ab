using System.Globalization;
using System.Text;
using Fluid;
using Fluid.Ast;

namespace EtlWeb.Core.Templates;

/// <summary>
/// The text of a template's field as Liquid (Fluid): the placeholders it names, its rendering with their values, and
/// the escaping that keeps literal <c>{{</c> and <c>{%</c> of a job's own text (a parameter default's Liquid, a
/// script's braces) as they are.
/// </summary>
public static class LiquidText
{
    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithCultureInfo(CultureInfo.InvariantCulture)
        .WithMaxSteps(100_000)
        .Build();

    /// <summary>Text without Liquid markers needs no parsing and renders as itself.</summary>
    public static bool IsPlain(string text) =>
        !text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal);

    /// <summary>The variables the text reads (not those it assigns or loops over itself), or why it does not parse.</summary>
    public static (IReadOnlySet<string> Names, string? Error) Names(string text)
    {
        if (IsPlain(text))
        {
            return (new HashSet<string>(), null);
        }

        if (!Parser.TryParse(text, out var template, out var error))
        {
            return (new HashSet<string>(), $"The Liquid does not parse: {error}");
        }

        var visitor = new NameVisitor();
        visitor.VisitTemplate(template);
        visitor.Read.ExceptWith(visitor.Own);
        return (visitor.Read, null);
    }

    /// <summary>The text with each placeholder replaced by its value; the text must parse (see <see cref="Names"/>).</summary>
    public static string Render(string text, IReadOnlyDictionary<string, string> values)
    {
        if (IsPlain(text))
        {
            return text;
        }

        var template = Parser.Parse(text);
        var context = new TemplateContext(Options);
        foreach (var (name, value) in values)
        {
            context.SetValue(name, value);
        }

        return template.Render(context);
    }

    /// <summary>Literal text as Liquid that renders back to it: each <c>{{</c> and <c>{%</c> is written as an output of itself.</summary>
    public static string Escape(string text)
    {
        if (IsPlain(text))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '{' && i + 1 < text.Length && text[i + 1] is '{' or '%')
            {
                escaped.Append("{{ '{").Append(text[i + 1]).Append("' }}");
                i++;
            }
            else
            {
                escaped.Append(text[i]);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Collects the first segment of every member read, and the names the template gives values itself.</summary>
    private sealed class NameVisitor : AstVisitor
    {
        public HashSet<string> Read { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Own { get; } = new(StringComparer.Ordinal) { "forloop" };

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            if (memberExpression.Segments.Count > 0 && memberExpression.Segments[0] is IdentifierSegment first)
            {
                Read.Add(first.Identifier);
            }

            return base.VisitMemberExpression(memberExpression);
        }

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            Own.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            Own.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            Own.Add(forStatement.Identifier);
            return base.VisitForStatement(forStatement);
        }
    }
}

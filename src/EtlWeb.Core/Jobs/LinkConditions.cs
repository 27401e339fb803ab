using System.Globalization;
using System.Text.Json;
using EtlWeb.Core.Runs;
using NCalc;
using NCalc.Exceptions;

namespace EtlWeb.Core.Jobs;

/// <summary>How an upstream run ended, as a link's condition sees it.</summary>
/// <param name="Outputs">Its last attempt's outputs (<see cref="AttemptOutputs"/>).</param>
public sealed record UpstreamResult(RunStatus Status, int? ExitCode, int Attempts, IReadOnlyDictionary<string, JsonElement> Outputs);

/// <summary>A condition's value, or why it has none.</summary>
public sealed record ConditionResult(bool Holds, string? Error);

/// <summary>
/// A link's condition: an NCalc expression (<c>rows &gt; 0</c>, <c>status == 'Failed'</c>, <c>rows &gt; 0 and
/// exit_code == 0</c>) over the upstream's outputs, each by its key, and its outcome: <c>status</c>, <c>exit_code</c>,
/// <c>attempts</c>, which win over outputs of the same names. An output that reads as a number or true/false is one.
/// </summary>
public static class LinkConditions
{
    public const int MaxLength = 500;

    /// <summary>Why <paramref name="condition"/> is not one; null when it parses.</summary>
    public static string? Check(string condition)
    {
        if (condition.Length > MaxLength)
        {
            return $"A condition is at most {MaxLength} characters long.";
        }

        var expression = new Expression(condition);
        return expression.HasErrors()
            ? $"'{condition}' is not a valid condition: {expression.Error?.InnerException?.Message ?? expression.Error?.Message}. Write it like rows > 0 or status == 'Failed'."
            : null;
    }

    /// <summary>Whether the condition holds for the upstream's <paramref name="result"/> (<paramref name="upstream"/> names it in errors).</summary>
    public static ConditionResult Evaluate(string condition, string upstream, UpstreamResult result)
    {
        var expression = new Expression(condition);
        foreach (var (key, value) in result.Outputs)
        {
            expression.Parameters[key] = Value(value);
        }

        expression.Parameters["status"] = result.Status.ToString();
        expression.Parameters["exit_code"] = result.ExitCode;
        expression.Parameters["attempts"] = result.Attempts;
        try
        {
            return expression.Evaluate() switch
            {
                bool holds => new ConditionResult(holds, null),
                var other => new ConditionResult(false, $"condition '{condition}' gave {Describe(other)}, not true or false"),
            };
        }
        catch (NCalcParameterNotDefinedException ex)
        {
            return new ConditionResult(false, $"condition '{condition}' names {ex.Message.Replace("Parameter ", "'", StringComparison.Ordinal).Replace(" not defined.", "'", StringComparison.Ordinal)}, which {upstream} did not output");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A division by zero, an overflow, a function NCalc does not know: the condition has no value, so the run is skipped.
            return new ConditionResult(false, $"condition '{condition}' could not be evaluated: {ex.Message}");
        }
    }

    /// <summary>An output as a condition sees it: a number, true or false, or text.</summary>
    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDecimal(out var number) ? number : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.String => FromText(value.GetString()!),
        _ => value.GetRawText(),
    };

    private static object FromText(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
        : bool.TryParse(text.Trim(), out var flag) ? flag
        : text;

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string text => $"'{text}'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "nothing",
    };
}

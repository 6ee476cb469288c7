using Fluid;

namespace EmbeddedAiReport.Drafting;

/// <summary>The draft template cannot be parsed or rendered; the message names the position.</summary>
public sealed class DraftTemplateException(string message) : Exception(message)
{
    /// <summary>
    /// Whether rendering a template threw <paramref name="exception"/> because of the template: Fluid's own errors, and what
    /// .NET throws inside a filter (<c>| divided_by: 0</c> a DivideByZeroException, <c>| times:</c> past decimal's range an
    /// OverflowException, an argument it cannot use). Each is said in one line naming the template, not as a stack trace.
    /// </summary>
    internal static bool IsRenderFailure(Exception exception) => exception is ParseException or InvalidOperationException or ArgumentException
        or ArithmeticException or FormatException or InvalidCastException;

    /// <summary>The failure <paramref name="exception"/> (<see cref="IsRenderFailure"/>) of the template <paramref name="template"/>.</summary>
    internal static DraftTemplateException RenderingFailed(string template, Exception exception) => new($"{template}: rendering failed: {exception.Message}");
}

using EmbeddedAiReport.Worker.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EmbeddedAiReport.Worker.Review;

/// <summary>
/// The body of a review action or of the login form, read once and within a limit before anything looks at its fields: a
/// body that is not a form, is cut short or malformed, is larger than any form of the page or gives a field twice is refused
/// with a 4xx and a line that says why, never a 500 and a stack trace in the log (design.md §9).
/// </summary>
internal static class ReviewForm
{
    /// <summary>The largest body an action or the login takes: the largest form, the edit form with a long summary, is a few KiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// Reads the request's form (later reads of it, the anti-forgery check's and the action's, get this one); null when it
    /// was read or there is no body (a script's bare POST), else the status and the line to answer with.
    /// </summary>
    public static async Task<(int Status, string Message)?> ReadAsync(HttpContext http)
    {
        var request = http.Request;
        if (!request.HasFormContentType)
        {
            if (request.ContentType is null && http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true) return null;
            return (StatusCodes.Status415UnsupportedMediaType,
                $"the body is {(request.ContentType is { } type ? $"'{Echoed.Of(type)}'" : "without a Content-Type")}, not a form: "
                + "the page's actions take application/x-www-form-urlencoded or multipart/form-data, as the page posts them");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBytes;
        try
        {
            var form = await request.ReadFormAsync(http.RequestAborted);
            // No form of the page sends a field twice: which of two titles or actions was meant is not guessed (/entries
            // refuses a repeated parameter alike).
            return form.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } name, Value.Count: var count }
                ? (StatusCodes.Status400BadRequest, $"{Echoed.Of(name)}: given {count} times; give it once: nothing was done")
                : null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBytes / 1024 / 1024} MiB, more than any form of the page sends: nothing was read");
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException or IOException && !http.RequestAborted.IsCancellationRequested)
        {
            // InvalidDataException: a multipart body without its boundary, more fields than ASP.NET Core's limit (1024);
            // IOException: a multipart body that ends before its closing boundary (its message blames "another component").
            var why = ex is InvalidDataException or BadHttpRequestException ? ex.Message.TrimEnd('.') : "it ends before the form does";
            return (StatusCodes.Status400BadRequest, $"the body is not a readable form ({why}): nothing was read");
        }
    }
}

using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>Validates options with their own cross-field check, which collects every problem (each naming its key) before failing.</summary>
internal sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var found = problems(options).ToList();
        return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
    }
}

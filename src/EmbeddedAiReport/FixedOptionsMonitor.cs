using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport;

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> whose value never changes: the default when no host reloads it, and for tests.</summary>
public sealed class FixedOptionsMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

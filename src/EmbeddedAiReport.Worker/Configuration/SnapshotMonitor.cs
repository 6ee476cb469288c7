using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>
/// <c>IOptionsMonitor&lt;T&gt;</c> over a reloadable config file: <see cref="CurrentValue"/> is the value in the current
/// <see cref="ConfigSnapshot"/>, so core services (the classifier) see a reload without knowing about files.
/// </summary>
internal sealed class SnapshotMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(LoadedConfig config) : IOptionsMonitor<T> where T : class
{
    public T CurrentValue => config.Current.Get<T>();

    public T Get(string? name) => CurrentValue;

    /// <summary>No reader subscribes: each asks <see cref="CurrentValue"/> when it uses the value, so none is told of a reload.</summary>
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

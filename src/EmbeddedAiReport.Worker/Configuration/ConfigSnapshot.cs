using System.Collections.Immutable;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>The reloadable files of the config folder as they were at one moment (sources, taxonomy and router, template …).</summary>
/// <remarks>
/// Immutable: a reload builds a new snapshot and swaps it in whole, so a reader that takes one snapshot sees one
/// consistent configuration however long it works with it. Values are keyed by type; <see cref="ConfigParts"/> lists them.
/// </remarks>
public sealed class ConfigSnapshot
{
    private readonly ImmutableDictionary<Type, object> _values;

    internal ConfigSnapshot(ImmutableDictionary<Type, object> values) => _values = values;

    /// <summary>An empty snapshot (nothing loaded yet).</summary>
    internal static ConfigSnapshot Empty { get; } = new(ImmutableDictionary<Type, object>.Empty);

    /// <summary>The sources of sources.json.</summary>
    public IReadOnlyList<SourceDefinition> Sources => TryGet<IReadOnlyList<SourceDefinition>>() ?? [];

    /// <summary>The value of the part that produces <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The part was never loaded (the config folder has problems).</exception>
    public T Get<T>() where T : class =>
        TryGet<T>() ?? throw new InvalidOperationException($"{typeof(T).Name} was not loaded: the config folder has problems (run 'validate')");

    /// <summary>The value of the part that produces <typeparamref name="T"/>, or null when it was never loaded.</summary>
    public T? TryGet<T>() where T : class => _values.TryGetValue(typeof(T), out var value) ? (T)value : null;

    internal ConfigSnapshot With(Type type, object value) => new(_values.SetItem(type, value));
}

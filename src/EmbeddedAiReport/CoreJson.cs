using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EmbeddedAiReport.Drafting;

namespace EmbeddedAiReport;

/// <summary>
/// The JSON contracts of the core library's own types, generated at compile time, so that serialization needs no
/// reflection (the worker also ships as a native, ahead-of-time compiled binary: see README, "A native binary").
/// </summary>
/// <remarks>
/// The generated metadata carries no naming or encoding settings: each caller keeps its own
/// <see cref="JsonSerializerOptions"/> (web defaults, snake case, …) with this context as the type resolver, see
/// <see cref="JsonContracts.With"/>.
/// </remarks>
[JsonSerializable(typeof(CandidateEntry))]
[JsonSerializable(typeof(SourceDefinition))]
[JsonSerializable(typeof(DraftOptions))]
[JsonSerializable(typeof(DraftJson))]
[JsonSerializable(typeof(string[][]))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class CoreJson : JsonSerializerContext;

/// <summary>Options with a compile-time contract resolver, and the typed contract of one type under them.</summary>
public static class JsonContracts
{
    /// <summary>The serializer's default settings (property names as written) with the core types' contracts.</summary>
    public static JsonSerializerOptions Plain { get; } = new JsonSerializerOptions().With();

    /// <summary><paramref name="options"/> with <paramref name="resolver"/> as its contract resolver (the core types' contracts when null).</summary>
    public static JsonSerializerOptions With(this JsonSerializerOptions options, IJsonTypeInfoResolver? resolver = null)
    {
        options.TypeInfoResolver = resolver ?? CoreJson.Default;
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The contract of <typeparamref name="T"/> under <paramref name="options"/>.</summary>
    /// <exception cref="NotSupportedException">The options' resolver has no contract for the type.</exception>
    public static JsonTypeInfo<T> For<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}

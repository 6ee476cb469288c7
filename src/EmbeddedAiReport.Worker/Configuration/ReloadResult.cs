namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>What one reload of the config folder did.</summary>
/// <param name="Changed">The parts swapped in (by value type); empty when nothing changed or every change had problems.</param>
/// <param name="Problems">Problems of the parts that kept their running value.</param>
public sealed record ReloadResult(ConfigSnapshot Previous, ConfigSnapshot Current, IReadOnlyList<Type> Changed, IReadOnlyList<string> Problems)
{
    public bool SourcesChanged => Changed.Contains(typeof(IReadOnlyList<SourceDefinition>));
}

using System.Diagnostics.CodeAnalysis;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>An appsettings.json section and the options type it binds to (its default instance and properties are read by <see cref="DurationSettings"/>).</summary>
internal sealed record SettingsSection(
    string Name,
    [param: DynamicallyAccessedMembers(SettingsSection.Members)][property: DynamicallyAccessedMembers(SettingsSection.Members)] Type Options)
{
    private const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties;
}

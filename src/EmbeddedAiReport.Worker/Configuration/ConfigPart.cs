using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>One reloadable piece of the config folder: the files it reads and how it turns them into one value.</summary>
/// <param name="ValueType">The type readers ask the snapshot (or <c>IOptionsMonitor&lt;T&gt;</c>) for.</param>
/// <param name="Files">Paths relative to the config folder; a change to any of them reloads the part.</param>
/// <param name="Load">Reads the files through the reader; problems go to the reader, and a part with problems keeps its old value.</param>
/// <param name="AddMonitor">Registers <c>IOptionsMonitor&lt;T&gt;</c> of the value type over the current snapshot.</param>
internal sealed record ConfigPart(Type ValueType, IReadOnlyList<string> Files, Func<ConfigReader, object?> Load, Action<IServiceCollection> AddMonitor)
{
    public static ConfigPart Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        IReadOnlyList<string> files, Func<ConfigReader, T?> load) where T : class =>
        new(typeof(T), files, reader => load(reader), services => services.AddSingleton<IOptionsMonitor<T>, SnapshotMonitor<T>>());

    /// <summary>A fingerprint of the part's files (content and presence), to tell a real change from an editor touching a file.</summary>
    public string Fingerprint(string directory) => FingerprintOf(directory, Files);

    /// <summary>A fingerprint of <paramref name="files"/> (relative to <paramref name="directory"/>): content and presence.</summary>
    public static string FingerprintOf(string directory, IEnumerable<string> files)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\0"));
            try
            {
                if (File.Exists(path)) hash.AppendData(File.ReadAllBytes(path));
                else hash.AppendData("<missing>"u8);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash.AppendData("<unreadable>"u8);
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

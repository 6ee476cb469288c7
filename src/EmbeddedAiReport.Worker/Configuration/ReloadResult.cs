namespace EmbeddedAiReport.Worker.Configuration;

/// <summary>What one reload of the config folder did.</summary>
/// <param name="Changed">The parts swapped in (by value type); empty when nothing changed or every change had problems.</param>
/// <param name="Problems">Problems of the parts that kept their running value.</param>
/// <param name="Warnings">What the parts swapped in said while loading (ranker.json removed: relevance from keywords), as a start lists them.</param>
/// <param name="Restored">Parts whose files had problems at an earlier reload and are now back as the running value was read: nothing to swap in.</param>
/// <param name="ReadAtStart">Files read only at start (appsettings.json, the summary prompt) that changed since the daemon read them: a restart applies them.</param>
/// <param name="Failures">Parts whose reading threw: their running value stays, as for a part with problems.</param>
public sealed record ReloadResult(ConfigSnapshot Previous, ConfigSnapshot Current, IReadOnlyList<Type> Changed, IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings, IReadOnlyList<Type> Restored, IReadOnlyList<string> ReadAtStart, IReadOnlyList<ReloadFailure> Failures)
{
    public bool SourcesChanged => Changed.Contains(typeof(IReadOnlyList<SourceDefinition>));

    /// <summary>
    /// The files of the <see cref="Changed"/> parts whose content changed, in the parts' order: a part reads several files
    /// (tags.json, router.json, ranker.json) and is swapped in whole, but only these are what an operator or a retraining wrote.
    /// </summary>
    public IReadOnlyList<string> ChangedFiles { get; init; } = [];

    /// <summary>The files of the <see cref="Restored"/> parts that had been edited (and are back as the running value read them).</summary>
    public IReadOnlyList<string> RestoredFiles { get; init; } = [];

    /// <summary>
    /// When <see cref="ReadAtStart"/> names files: the problems <c>validate</c> finds in them as they are now, which would stop
    /// a restart (the running daemon refuses nothing: it goes on with what it read at start).
    /// </summary>
    public IReadOnlyList<string> ReadAtStartProblems { get; init; } = [];
}

/// <summary>A part of the config folder whose reading threw on a reload.</summary>
/// <param name="Part">The part, by value type, as <see cref="ReloadResult.Changed"/> names parts.</param>
public sealed record ReloadFailure(Type Part, Exception Exception);

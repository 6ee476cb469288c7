namespace EmbeddedAiReport.Ranking;

/// <summary>One labelled entry for the relevance model.</summary>
/// <param name="Entry">The entry as a source would have delivered it.</param>
/// <param name="Relevant">True for an item the editor published or shortlisted; false for one available and not picked.</param>
/// <param name="Section">The editor's section of a relevant example (its threshold is that section's), null for others.</param>
/// <param name="Group">What the example belongs to (an issue's date): the held-out folds of calibration keep an issue's items together.</param>
/// <param name="Source">Where an unpicked example comes from (a file, the database): each source weighs the same in training, whatever its size.</param>
public sealed record RankingExample(CandidateEntry Entry, bool Relevant, string Group, string? Section = null, string Source = "")
{
    /// <summary>
    /// The example without its account. Examples from files (past issues, floods) teach no account: the files hold the
    /// editor's picks of an account but not what the editor left of it, so an account would only learn "this account
    /// is in the files". The database knows both (published and unpicked entries of the same accounts) and teaches them.
    /// </summary>
    public RankingExample WithoutAccount() => Entry.Account is null ? this : this with { Entry = Entry with { Account = null } };
}

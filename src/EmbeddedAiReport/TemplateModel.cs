namespace EmbeddedAiReport;

/// <summary>What a Liquid template may read: the members registered per view type, and which members hold lists of views.</summary>
/// <remarks>
/// Filled by <see cref="TemplateMembers.Register{T}(Fluid.TemplateOptions, TemplateModel, (string, Func{T, object?})[])"/>, so the
/// names checked are exactly the names the template can read; <see cref="TemplateCheck"/> walks a parsed template against it.
/// A member not declared a list of views is taken as unknown in shape, so nothing past it is checked.
/// </remarks>
public sealed class TemplateModel(Type root)
{
    private readonly Dictionary<Type, SortedSet<string>> _members = [];
    private readonly Dictionary<(Type, string), Type> _lists = [];

    /// <summary>The type of the value a template is rendered with: its members are the template's variables.</summary>
    public Type Root { get; } = root;

    /// <summary>Declares that <typeparamref name="TOwner"/>'s <paramref name="member"/> is a list of <typeparamref name="TElement"/> (a <c>for</c> loop's items).</summary>
    public TemplateModel ListOf<TOwner, TElement>(string member)
    {
        _lists[(typeof(TOwner), member)] = typeof(TElement);
        return this;
    }

    internal void Add(Type type, IEnumerable<string> names)
    {
        if (!_members.TryGetValue(type, out var set)) _members[type] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.UnionWith(names);
    }

    /// <summary>The member names of <paramref name="type"/>, sorted, or null when no members are registered for it (a scalar).</summary>
    public IReadOnlyCollection<string>? MembersOf(Type type) => _members.TryGetValue(type, out var set) ? set : null;

    /// <summary>The element type of a list member, or null when <paramref name="member"/> is not declared a list.</summary>
    public Type? ElementOf(Type owner, string member) => _lists.GetValueOrDefault((owner, member));
}

using Fluid;

namespace EmbeddedAiReport;

/// <summary>Makes a view type's members readable by Liquid templates under their snake_case names, through plain delegates.</summary>
/// <remarks>
/// Fluid's <c>Register&lt;T&gt;()</c> discovers properties by reflection and builds generic accessors at run time, which the
/// native (ahead-of-time compiled) binary cannot do: every member would read as empty. Naming each member with its
/// getter works the same under the JIT and AOT; a template sees exactly the names listed, and the same names go into the
/// <see cref="TemplateModel"/> that <see cref="TemplateCheck"/> checks templates against.
/// </remarks>
internal static class TemplateMembers
{
    public static void Register<T>(this TemplateOptions options, TemplateModel model, params (string Name, Func<T, object?> Get)[] members)
    {
        model.Add(typeof(T), members.Select(m => m.Name));
        foreach (var (name, get) in members) options.MemberAccessStrategy.Register<T, object?>(name, get);
    }
}

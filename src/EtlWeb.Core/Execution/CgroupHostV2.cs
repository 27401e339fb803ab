using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Attempts' cgroups as children of this process's cgroup in the unified (v2) hierarchy. The kernel lets a cgroup
/// hand its memory and cpu controllers to children only while it holds no process itself, so when they are not handed
/// down yet EtlWeb first moves itself into a child of its own ("etlweb") and then enables them: what a container's
/// private cgroup namespace or a systemd unit with <c>Delegate=yes</c> allows.
/// </summary>
internal sealed class CgroupHostV2(string directory) : CgroupHost
{
    private static readonly string[] Controllers = ["memory", "cpu"];

    public override string Version => "cgroup v2";

    protected override IEnumerable<string> Parents => [directory];

    protected override AttemptCgroup? OpenNamed(string name)
    {
        var cgroup = Path.Combine(directory, name);
        return TryCreate(cgroup) ? new AttemptCgroupV2(cgroup) : null;
    }

    public static CgroupHostV2? FindIn(string root, string ownPath, out string why)
    {
        var directory = Path.Join(root, ownPath);
        var available = Words(Path.Combine(directory, "cgroup.controllers"));
        if (Controllers.Except(available).ToList() is { Count: > 0 } missing)
        {
            why = $"the cgroup v2 controllers {string.Join(", ", missing)} are not available to EtlWeb's cgroup {ownPath}";
            return null;
        }

        if (Controllers.Except(Words(Path.Combine(directory, "cgroup.subtree_control"))).Any() && !Delegate(directory, out why))
        {
            return null;
        }

        why = "";
        return new CgroupHostV2(directory);
    }

    /// <summary>Moves this process into a child cgroup and enables the controllers for the children.</summary>
    private static bool Delegate(string directory, out string why)
    {
        var own = Path.Combine(directory, "etlweb");
        try
        {
            Directory.CreateDirectory(own);
            File.WriteAllText(Path.Combine(own, "cgroup.procs"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(directory, "cgroup.subtree_control"), string.Join(' ', Controllers.Select(c => "+" + c)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            why = $"EtlWeb could not enable the memory and cpu controllers for cgroups of its own in {directory} ({ex.Message}; another process may share its cgroup, or the cgroup file system is read-only)";
            return false;
        }

        why = "";
        return true;
    }

    private static string[] Words(string path)
    {
        try
        {
            return File.ReadAllText(path).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}

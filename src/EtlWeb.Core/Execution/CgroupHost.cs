using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Where EtlWeb makes a cgroup per attempt: beside its own cgroup's processes in the v1 memory and cpuacct
/// hierarchies, or in a delegated part of the unified (v2) hierarchy. Found once at start by <see cref="Find"/>, which
/// tries to create a cgroup there; where it cannot, the attempts are accounted from their process tree instead.
/// </summary>
public abstract class CgroupHost
{
    /// <summary>Tells apart the attempts of EtlWeb installations sharing a cgroup (each numbers its attempts from 1).</summary>
    private string scope = "";

    /// <summary>"cgroup v1" or "cgroup v2", for the log and the README's words.</summary>
    public abstract string Version { get; }

    /// <summary>The attempt's cgroup, created if it is not there yet (a restarted node opens the one its attempt runs in).</summary>
    public AttemptCgroup? Open(long attemptId) => OpenNamed(NameOf(attemptId));

    /// <summary>The attempt's cgroup if it is there (the attempt started in one); null otherwise. Creates nothing.</summary>
    public AttemptCgroup? Existing(long attemptId) =>
        Parents.All(p => Directory.Exists(Path.Combine(p, NameOf(attemptId)))) ? OpenNamed(NameOf(attemptId)) : null;

    private string NameOf(long attemptId) => $"etlweb-{scope}-attempt-{attemptId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The cgroup of this name beside EtlWeb's own, created if it is not there yet.</summary>
    protected abstract AttemptCgroup? OpenNamed(string name);

    /// <summary>The directories the attempts' cgroups are made in (one per v1 hierarchy).</summary>
    protected abstract IEnumerable<string> Parents { get; }

    /// <summary>Removes this installation's attempt cgroups but those of <paramref name="keep"/> (one still holding a process stays).</summary>
    public void RemoveStale(IReadOnlySet<long> keep)
    {
        var prefix = $"etlweb-{scope}-attempt-";
        foreach (var parent in Parents)
        {
            foreach (var directory in SafeList(parent))
            {
                var name = Path.GetFileName(directory);
                if (name.StartsWith(prefix, StringComparison.Ordinal) && long.TryParse(name[prefix.Length..], CultureInfo.InvariantCulture, out var id) && !keep.Contains(id))
                {
                    AttemptCgroup.RemoveDirectory(directory);
                }
            }
        }
    }

    private static string[] SafeList(string parent)
    {
        try
        {
            return Directory.GetDirectories(parent);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// The host for this process, or null with the reason why none is usable. <paramref name="root"/> is where the
    /// cgroup file systems are mounted, <paramref name="ownCgroups"/> the content of /proc/self/cgroup;
    /// <paramref name="scope"/> is the same for every start of one installation and differs between installations.
    /// </summary>
    public static CgroupHost? Find(string root, string ownCgroups, string scope, out string why)
    {
        var host = FindHost(root, ownCgroups, out why);
        if (host is null)
        {
            return null;
        }

        host.scope = scope;
        // A unique name, so that installations probing at once cannot remove each other's probe.
        var probe = host.OpenNamed("etlweb-probe-" + Guid.NewGuid().ToString("N"));
        if (probe is null)
        {
            why = $"EtlWeb may not create cgroups there ({host.Version}; it needs root or a delegated cgroup)";
            return null;
        }

        probe.Remove();
        return host;
    }

    private static CgroupHost? FindHost(string root, string ownCgroups, out string why)
    {
        var lines = ownCgroups.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)).Where(p => p.Length == 3).ToList();
        var unified = lines.FirstOrDefault(p => p[0] == "0" && p[1].Length == 0);
        if (File.Exists(Path.Combine(root, "cgroup.controllers")) && unified is not null)
        {
            return CgroupHostV2.FindIn(root, unified[2], out why);
        }

        var memory = Hierarchy(root, lines, "memory");
        var cpu = Hierarchy(root, lines, "cpuacct");
        if (memory is null || cpu is null)
        {
            why = "no cgroup v2 file system at " + root + ", and no cgroup v1 memory and cpuacct hierarchies for this process";
            return null;
        }

        why = "";
        return new CgroupHostV1(memory, cpu);
    }

    protected static bool TryCreate(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>This process's cgroup directory in the v1 hierarchy holding <paramref name="controller"/>, when mounted.</summary>
    private static string? Hierarchy(string root, List<string[]> lines, string controller)
    {
        var line = lines.FirstOrDefault(p => p[1].Split(',').Contains(controller, StringComparer.Ordinal));
        if (line is null)
        {
            return null;
        }

        var mount = new[] { Path.Combine(root, controller), Path.Combine(root, line[1]) }.FirstOrDefault(Directory.Exists);
        return mount is null ? null : Path.Join(mount, line[2]);
    }
}

/// <summary>Attempts' cgroups as children of this process's own cgroups in the v1 memory and cpuacct hierarchies.</summary>
internal sealed class CgroupHostV1(string memory, string cpu) : CgroupHost
{
    public override string Version => "cgroup v1";

    protected override IEnumerable<string> Parents => [memory, cpu];

    protected override AttemptCgroup? OpenNamed(string name)
    {
        var cgroup = new AttemptCgroupV1(Path.Combine(memory, name), Path.Combine(cpu, name));
        if (TryCreate(Path.Combine(memory, name)) && TryCreate(Path.Combine(cpu, name)) && File.Exists(Path.Combine(memory, name, "cgroup.procs")))
        {
            return cgroup;
        }

        // Half made: what was made goes again.
        cgroup.Remove();
        return null;
    }
}

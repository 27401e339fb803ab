using EtlWeb.Security;

namespace EtlWeb.Orchestration;

/// <summary>
/// A restart of this node asked for from the UI or the API: a graceful stop (running attempts go per
/// EtlWeb:StopPolicy; under Detach they run on and the next start adopts them), then exit code 75 (EX_TEMPFAIL), which
/// the image's init (docker/etlweb-init) and a systemd unit with Restart=on-failure read as "start it again".
/// </summary>
public sealed class NodeRestart(IHostApplicationLifetime lifetime, AuditLog audit, ILogger<NodeRestart> logger)
{
    public const int ExitCode = 75;

    /// <summary>Lets the answer to the request go out before the stop closes the connections.</summary>
    private static readonly TimeSpan AnswerFirst = TimeSpan.FromMilliseconds(250);

    private int _requested;

    public bool Requested => Volatile.Read(ref _requested) == 1;

    /// <summary>Records who asked, then stops this node; false when a restart is under way already.</summary>
    public async Task<bool> RequestAsync(string node, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _requested, 1) == 1)
        {
            return false;
        }

        await audit.RecordAsync(AuditActions.Restarted, node, "", cancellationToken);
        logger.LogWarning("A restart of {Node} was asked for: stopping, to be started again (exit code {ExitCode})", node, ExitCode);
        _ = Task.Delay(AnswerFirst, CancellationToken.None).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        return true;
    }
}

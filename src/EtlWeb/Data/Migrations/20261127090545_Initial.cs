using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Command = table.Column<string>(type: "TEXT", nullable: false),
                    Script = table.Column<string>(type: "TEXT", nullable: false),
                    Interpreter = table.Column<string>(type: "TEXT", nullable: false),
                    WorkingDirectory = table.Column<string>(type: "TEXT", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    SecretEnvironment = table.Column<string>(type: "TEXT", nullable: false),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxRetries = table.Column<int>(type: "INTEGER", nullable: false),
                    RetryDelaySeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    RetryBackoff = table.Column<double>(type: "REAL", nullable: false),
                    ScheduleKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CronExpression = table.Column<string>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", nullable: false),
                    IntervalMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifyEmail = table.Column<string>(type: "TEXT", nullable: false),
                    NotifyOnSuccess = table.Column<bool>(type: "INTEGER", nullable: false),
                    NotifyOnFailure = table.Column<bool>(type: "INTEGER", nullable: false),
                    NotifySlack = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    OverlapPolicy = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MisfirePolicy = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DesignerX = table.Column<double>(type: "REAL", nullable: true),
                    DesignerY = table.Column<double>(type: "REAL", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "job_dependencies",
                columns: table => new
                {
                    UpstreamJobId = table.Column<int>(type: "INTEGER", nullable: false),
                    DownstreamJobId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_dependencies", x => new { x.UpstreamJobId, x.DownstreamJobId });
                    table.ForeignKey(
                        name: "FK_job_dependencies_jobs_DownstreamJobId",
                        column: x => x.DownstreamJobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_job_dependencies_jobs_UpstreamJobId",
                        column: x => x.UpstreamJobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<int>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    DefinitionSnapshot = table.Column<string>(type: "TEXT", nullable: false),
                    PipelineId = table.Column<Guid>(type: "TEXT", nullable: true),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelRequested = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_runs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_runs_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "schedule_states",
                columns: table => new
                {
                    JobId = table.Column<int>(type: "INTEGER", nullable: false),
                    Anchor = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFireAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PausedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    SkipFireAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_schedule_states", x => x.JobId);
                    table.ForeignKey(
                        name: "FK_schedule_states_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "attempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Marker = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NotBefore = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExitCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Message = table.Column<string>(type: "TEXT", nullable: true),
                    Node = table.Column<string>(type: "TEXT", nullable: true),
                    ProcessGroupId = table.Column<int>(type: "INTEGER", nullable: true),
                    LogLines = table.Column<long>(type: "INTEGER", nullable: false),
                    LogBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    LogTruncated = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_attempts_runs_RunId",
                        column: x => x.RunId,
                        principalTable: "runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "run_requests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PipelineId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_requests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_run_requests_runs_RunId",
                        column: x => x.RunId,
                        principalTable: "runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "log_chunks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AttemptId = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstLine = table.Column<long>(type: "INTEGER", nullable: false),
                    LineCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_log_chunks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_log_chunks_attempts_AttemptId",
                        column: x => x.AttemptId,
                        principalTable: "attempts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_attempts_RunId_Number",
                table: "attempts",
                columns: new[] { "RunId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_attempts_Status_Node",
                table: "attempts",
                columns: new[] { "Status", "Node" });

            migrationBuilder.CreateIndex(
                name: "IX_job_dependencies_DownstreamJobId",
                table: "job_dependencies",
                column: "DownstreamJobId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_Name",
                table: "jobs",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_log_chunks_AttemptId_FirstLine",
                table: "log_chunks",
                columns: new[] { "AttemptId", "FirstLine" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_run_requests_PipelineId",
                table: "run_requests",
                column: "PipelineId");

            migrationBuilder.CreateIndex(
                name: "IX_run_requests_RunId",
                table: "run_requests",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_Id",
                table: "runs",
                columns: new[] { "JobId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_runs_PipelineId",
                table: "runs",
                column: "PipelineId");

            migrationBuilder.CreateIndex(
                name: "IX_runs_Status",
                table: "runs",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_dependencies");

            migrationBuilder.DropTable(
                name: "log_chunks");

            migrationBuilder.DropTable(
                name: "run_requests");

            migrationBuilder.DropTable(
                name: "schedule_states");

            migrationBuilder.DropTable(
                name: "attempts");

            migrationBuilder.DropTable(
                name: "runs");

            migrationBuilder.DropTable(
                name: "jobs");
        }
    }
}

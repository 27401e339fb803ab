using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EtlWeb.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunParametersAndBackfills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BackfillId",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Params",
                table: "runs",
                type: "TEXT",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "SealedParams",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Parameters",
                table: "jobs",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "backfills",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<int>(type: "INTEGER", nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Order = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MaxParallel = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_backfills", x => x.Id);
                    table.ForeignKey(
                        name: "FK_backfills_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "backfill_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BackfillId = table.Column<long>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LogicalDate = table.Column<long>(type: "INTEGER", nullable: false),
                    RunId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_backfill_items", x => x.Id);
                    table.ForeignKey(
                        name: "FK_backfill_items_backfills_BackfillId",
                        column: x => x.BackfillId,
                        principalTable: "backfills",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_runs_BackfillId",
                table: "runs",
                column: "BackfillId",
                filter: "\"BackfillId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_runs_JobId_LogicalDate",
                table: "runs",
                columns: new[] { "JobId", "LogicalDate" });

            migrationBuilder.CreateIndex(
                name: "IX_backfill_items_BackfillId_Sequence",
                table: "backfill_items",
                columns: new[] { "BackfillId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_backfill_items_RunId",
                table: "backfill_items",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_backfills_FinishedAt",
                table: "backfills",
                column: "FinishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_backfills_JobId",
                table: "backfills",
                column: "JobId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backfill_items");

            migrationBuilder.DropTable(
                name: "backfills");

            migrationBuilder.DropIndex(
                name: "IX_runs_BackfillId",
                table: "runs");

            migrationBuilder.DropIndex(
                name: "IX_runs_JobId_LogicalDate",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "BackfillId",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Params",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "SealedParams",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Parameters",
                table: "jobs");
        }
    }
}

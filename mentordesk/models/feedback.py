"""Feedback forms (and the readiness survey), their questions, responses and answers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentordesk.models.base import Base, str_enum, utcnow
from mentordesk.models.enums import Audience, FormPurpose, QuestionKind

if TYPE_CHECKING:
    from mentordesk.models.programme import Programme


class FeedbackForm(Base):
    """A form sent to mentors, mentees or stakeholders."""

    __tablename__ = "feedback_form"
    __table_args__ = (CheckConstraint("length(trim(title)) > 0", name="title_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[FormPurpose] = mapped_column(
        str_enum(FormPurpose, "form_purpose"), default=FormPurpose.FEEDBACK
    )
    audience: Mapped[Audience] = mapped_column(
        str_enum(Audience, "form_audience"), default=Audience.EVERYONE
    )
    introduction: Mapped[str] = mapped_column(Text, default="")
    # The ready-made template it was made from ("mentee_satisfaction", ...), or "".
    template: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    questions: Mapped[list[FeedbackQuestion]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="FeedbackQuestion.position"
    )
    responses: Mapped[list[FeedbackResponse]] = relationship(
        back_populates="form", cascade="all, delete-orphan"
    )


class FeedbackQuestion(Base):
    """A question on a form."""

    __tablename__ = "feedback_question"
    __table_args__ = (
        UniqueConstraint("form_id", "position"),
        CheckConstraint("length(trim(text)) > 0", name="text_not_empty"),
        CheckConstraint("scale_max IS NULL OR scale_max BETWEEN 2 AND 10", name="scale_range"),
        CheckConstraint("measure IN ('', 'satisfaction', 'recommendation')",
                        name="measure_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_form.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    choices: Mapped[str] = mapped_column(Text, default="")  # one per line, for CHOICE
    scale_max: Mapped[int | None] = mapped_column(Integer)  # for RATING, e.g. 5
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the answers count towards in the KPIs: "satisfaction" (a rating), "recommendation"
    # (a 0-10 score), or "" (nothing).
    measure: Mapped[str] = mapped_column(String(20), default="")

    form: Mapped[FeedbackForm] = relationship(back_populates="questions")


class FeedbackResponse(Base):
    """One person's filled-in form (the respondent may be anonymous)."""

    __tablename__ = "feedback_response"
    # The same filled-in PDF imported twice is one response.
    __table_args__ = (
        UniqueConstraint("form_id", "source_digest"),
        CheckConstraint("source IN ('screen', 'pdf', 'csv')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_form.id", ondelete="CASCADE"), index=True
    )
    # Erasing a person detaches their responses (their free text is removed by the erasure
    # service); ratings stay in the aggregates, anonymous.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairing.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # For an imported PDF: SHA-256 of the respondent and answers (identified) or of the
    # file's bytes (anonymous), so importing it again is noticed; NULL otherwise.
    source_digest: Mapped[str | None] = mapped_column(String(64))
    # How it arrived: typed in on screen, a filled-in PDF, or a survey tool's CSV export.
    source: Mapped[str] = mapped_column(String(10), default="screen")
    # A confidential response is only ever shown or exported inside an aggregate of at
    # least five responses, and its free text never.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)

    form: Mapped[FeedbackForm] = relationship(back_populates="responses")
    answers: Mapped[list[FeedbackAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class FeedbackAnswer(Base):
    """The answer to one question in one response."""

    __tablename__ = "feedback_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        CheckConstraint("value_text IS NOT NULL OR value_number IS NOT NULL", name="has_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_question.id", ondelete="CASCADE"), index=True
    )
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None] = mapped_column(Float)

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")
    question: Mapped[FeedbackQuestion] = relationship()
